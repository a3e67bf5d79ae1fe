"""Parameters of the tumor-microenvironment layer: value, unit, source.

Population rates are per day (the engine's time is minutes; rate laws divide by
``min_per_day``); cell numbers are cells; volumes pL inside the engine, mL in tables;
secretion in molecules per cell per day (converted to zmol/min in the rate laws,
1 zmol = 602.2 molecules). Sources: review references [n] (To et al. 2022); "FACTS"
and "FACTS-TME" are ../shared/FACTS.md and FACTS-TME.md, which name the primary
source; "QSP-IO" is the QSP-IO TNBC platform (HanwenWang95/QSPIO-TNBC) read at commit
acc8366, the version ../shared/ANCHORS-QSP.md pins: its values changed between versions
(k_C_growth 0.0087 → 0.0072 d⁻¹, TGF_50_ctl 0.28 nM → TGFb_50_Teff 0.14 nM since 0b6facd),
so each evidence string names the commit and the line of parameters_TNBC.m. A value without a measured counterpart is "assumed"; where
it was set so a claim holds with margin it says "calibrated to TME-n".
"""
from __future__ import annotations

from ..network import Evidence

E = Evidence
#: the QSP-IO TNBC version every value below was read at (ANCHORS-QSP.md)
QSP_REPO = "QSP-IO TNBC @acc8366"
QSP = f"{QSP_REPO} parameters_TNBC.m"

#: id -> (value, unit, source, description)
TME: dict[str, tuple[float, str, Evidence, str]] = {
    # --- time and switches
    "min_per_day": (1440.0, "min/day", E("definition"), "minutes per day (population rates are per day)"),
    "pop_on": (1.0, "dimensionless", E("protocol switch: 0 while signaling and cytokines settle before day 0, 1 after"),
               "population dynamics on (1) or frozen (0)"),
    "growth_on": (1.0, "dimensionless", E("protocol switch: 0 while the other populations settle around the day-0 tumor "
                                          "before day 0 (tumor cells held, metastases and bone mass frozen), 1 after"),
                  "tumor growth, metastasis and bone-mass change on (1) or held at day 0 (0)"),
    "size_hold": (0.0, "dimensionless", E("protocol switch: 1 when a scenario gives the tumor's size "
                                          "(initial_diameter_mm / initial_volume_mm3), 0 when it gives the tumor cell count"),
                  "before day 0, hold the tumor volume (1) or the tumor cell count (0)"),
    "V_T_day0": (0.0, "mL", E("the scenario's day-0 tumor size (initial_diameter_mm / initial_volume_mm3); read only with "
                              "size_hold = 1"), "tumor volume at day 0"),
    "k_size_hold": (1.0, "1/day", E("protocol: tumor cells adjust to the day-0 volume in ~1 d before day 0, faster than "
                                    "the other populations settle (not biology)"),
                    "rate at which tumor cells adjust to the day-0 volume before day 0"),
    "molec_per_zmol": (602.2, "dimensionless", E("Avogadro: 1 zmol = 602.2 molecules"), "molecules per zeptomole"),
    # --- geometry
    "vol_tumor_cell": (2.57, "pL/cell", E(f"17 µm cancer cell diameter (Abramczyk 2015, via {QSP} l.44 D_cell)"), "tumor cell volume"),
    "vol_t_cell": (0.175, "pL/cell", E(f"6.94 µm T-cell diameter (Chapman 1981, via {QSP} l.48 D_Tcell)"), "T-cell volume"),
    "vol_macrophage": (4.85, "pL/cell", E(f"21 µm macrophage diameter (Krombach 1997, via {QSP} l.1254 D_Mcell)"), "macrophage volume"),
    "vol_myeloid": (0.9, "pL/cell", E("assumed: 12 µm neutrophil / MDSC / DC"), "neutrophil, MDSC and DC volume"),
    "Ve_T": (0.37, "dimensionless", E(f"cellular volume fraction of tumor (Finley 2012, via {QSP} l.68 Ve_T; FACTS-TME 8)"),
             "fraction of tumor volume occupied by cells"),
    "f_interstitial": (0.3, "dimensionless", E("assumed: interstitial fluid ~30 % of tumor volume (the complement of Ve_T less the vascular 2 %, rounded down for matrix)"),
                       "interstitial fluid fraction of the tumor volume"),
    "V_T_min": (1.0e-6, "mL", E(f"V_Tmin 1e-6 mL ({QSP} l.26, estimated; used by simbio_init.m)"), "volume floor of the tumor compartment"),
    "V_blood": (5000.0, "mL", E(f"V_C 5 L ({QSP} l.18, estimated; used by simbio_init.m)"), "blood (plasma + cells) volume"),
    # --- tumor growth: Gompertz proliferation − apoptosis − killing
    "k_tumor_prolif": (0.0062, "1/day", E("assumed, calibrated so untreated tnbc doubles its volume in 103 ± 43 d (Ryu 2014, FACTS; model 108 d from the settled 25 mm day 0 with CD8+ T cells at QSP-IO's death and exhaustion rates); of the order of QSP-IO k_C_growth 0.0072 d⁻¹ (parameters_TNBC.m l.74 @acc8366; 0.0087 at 0b6facd and be94de3); Gompertz form as QSP-IO cancer_module.m"),
                       "Gompertz proliferation constant at zero cyclin D1/MYC program"),
    "K_tumor": (1.0e11, "cell", E("assumed: carrying capacity ~1e11 cells (~700 mL lesion)"), "Gompertz carrying capacity"),
    "w_MYC_prolif": (4.0, "dimensionless", E("assumed, calibrated to THx-7: the cyclin D1/MYC program at full occupancy raises proliferation 5-fold over the program-independent rate, so TNBC proliferation depends mostly on it (STAT3 inhibitors cut TNBC cell proliferation [116,117]; STAT3 → MYC/cyclin D1 [3,29])", (3, 29, 116, 117)),
                     "proliferation gain at full cyclin D1/MYC program occupancy"),
    "K_S3_prog": (0.15, "dimensionless", E("assumed, calibrated to THx-7: STAT3 MYC/BCL-xL drive (fraction of maximal target induction) of half-maximal program input; tnbc tumor cells sit near 0.07, so their program is STAT3-limited", (3, 29)),
                  "STAT3 target drive of one unit of program input"),
    "w_GLI1_prog": (0.5, "dimensionless", E("assumed, calibrated to THx-11: basal GLI1 (relative activity 1) gives half a unit of program input, as the STAT3 drive of tnbc does; STAT3 and GLI1 are co-activated in 60–70 % of TNBC [42] and both feed growth [43]", (42, 43)),
                    "GLI1 program input per unit relative GLI1 activity"),
    "n_prog": (2.0, "dimensionless", E("assumed: switch-like G1/S commitment (the Rb–E2F restriction point is a bistable switch, Yao et al. 2008 Nat Cell Biol); n = 2 makes JAK2 + SMO/GLI1 inhibition synergistic as in [43]", (43,)),
               "Hill coefficient of the cyclin D1/MYC program"),
    "k_tumor_apop": (0.02, "1/day", E("assumed: basal tumor-cell apoptosis (QSP-IO uses k_C_death 1e-4 d⁻¹, parameters_TNBC.m l.78 @acc8366, plus immune killing; a higher basal loss is usual for carcinomas)"),
                     "basal tumor-cell apoptosis"),
    "w_BCL_apop": (2.0, "dimensionless", E("assumed: full occupancy of the BCL-xL/survivin program cuts apoptosis 3-fold [3,29] (occupancy BCL drive/(K_S3_prog + drive))", (3, 29)), "apoptosis protection by BCL-xL"),
    "k_dead_clear": (0.1, "1/day", E(f"k_cell_clear 0.1 d⁻¹ ({QSP} l.64, estimated)"), "clearance of dead tumor cells"),
    "k_kill": (0.9, "1/day", E(f"k_C_Tcell 0.9 d⁻¹ (Robertson-Tessi 2012, via {QSP} l.188), in its Teff_module.m rate law k·C·T/(K_T_C·C + T)"), "maximal killing by effector CD8+ T cells"),
    "K_T_C": (1.2, "dimensionless", E(f"K_T_C 1.2 (Robertson-Tessi 2012, via {QSP} l.1246)"), "tumor cells per T cell at half-maximal killing"),
    "w_PDL1_kill": (1.0, "dimensionless", E(f"{QSP_REPO} model/Teff_module.m multiplies killing by (1 − H_PD1_C1): full PD-1 engagement removes all of it; the engagement H_PDL1 reads tumor PD-L1 [118]", (118,)), "maximal inhibition of killing by tumor PD-L1"),
    "K_PDL1": (3.0, "au", E("assumed, calibrated to KEYNOTE-086 cohort A (pembrolizumab ORR 5.3 %, FACTS-TRIALS.md; trial design checkpoint_monotherapy_tnbc): half-maximal PD-1 engagement (killing brake and exhaustion) at 3× the no-input CD274 level; untreated tnbc (CD274 ~1.3×) engages ~30 % of the axis. QSP-IO reads PD-1/PD-L1 synapse complexes (PD1_50 6 molecules/µm², Jafarnejad 2019; parameters_TNBC.m l.677 @acc8366), which this model does not carry. Virtual ORR (confirmed RECIST, N 60, seed 0, the design's screening of 250): 6.7 % (1.8–16.2 %) at 3"), "CD274 level of half-maximal PD-1 engagement"),
    "w_help": (0.85, "dimensionless", E("assumed, calibrated to TME-6: CD4+ antitumor help (Th1/IFN-γ cytostasis) cuts tumor proliferation by 1/(1 + 0.85 × helper density / K_help) ([97]: CD4+ T cells mediate the antitumor response IL-11 suppresses)", (97,)), "maximal CD4+ suppression of tumor proliferation"),
    "K_help": (1.0e6, "cell/mL", E("assumed, calibrated to TME-6: helper CD4+ density that gives one unit of help (help is linear in helper density)"), "helper CD4+ density scale of help"),
    "f_IL11_help": (0.97, "dimensionless", E("assumed, calibrated to TME-6: IL-11/STAT3 signaling in CD4+ T cells removes up to 97 % of their antitumor help [97]", (97,)), "maximal loss of CD4+ help by IL-11/STAT3 signaling"),
    "K_IL11_STAT3_help": (16.0, "nM", E("assumed, calibrated to TME-6: IL-11-driven nuclear pSTAT3 dimer in a CD4+ T cell of half-maximal loss of help ([97]: host IL-11 signaling in CD4+ T cells)", (97,)), "IL-11-driven CD4+ STAT3 activity of half-maximal help suppression"),
    "w_ER_prolif": (0.0, "dimensionless", E("assumed: 0 = tumor growth does not read the ER/Notch3 growth program "
                                            "(TNBC and the calibrated subtypes); ER+ scenarios set it (er_endocrine_resistant: 1)"),
                    "proliferation gain per unit of the tumor's ER/Notch3 growth drive"),
    # --- myeloid
    "k_mono_rec": (1.0e5, "cell/mL/day", E(f"assumed: of the order of macrophage recruitment 1.7e5 cell/(mL·d) (Yang 2018, via {QSP} l.1166 k_Mac_rec)"), "monocyte recruitment per mL tumor"),
    "w_IL6_rec": (2.0, "dimensionless", E("assumed, calibrated to TME-4: IL-6 recruits myeloid cells [19,20,90,91]", (19, 20, 90, 91)), "IL-6 drive of myeloid recruitment"),
    "w_NFkB_rec": (2.0, "dimensionless", E("assumed, calibrated to TME-4: tumor NF-κB chemokines (CXCL1/2, G-CSF) recruit neutrophils and MDSCs [90,91]", (90, 91)), "tumor NF-κB drive of myeloid recruitment"),
    "K_IL6_rec": (0.71, "nM", E("assumed: half-maximal recruitment at 0.71 nM JAK-active IL-6 complexes per myeloid cell, the untreated tnbc value × 6.2, which keeps the drive of the earlier free-IL-6 form (~0.14 at ~0.6 ng/mL interstitial IL-6)"), "myeloid IL-6 receptor signal of half-maximal recruitment drive"),
    "k_mono_diff": (0.5, "1/day", E("assumed: monocyte-to-macrophage differentiation in ~2 d"), "monocyte differentiation"),
    "k_mono_death": (0.2, "1/day", E("assumed: monocyte half-life ~3 d in tissue"), "monocyte death"),
    "k_M2_pol": (0.25, "1/day", E(f"k_M2_pol 0.25 d⁻¹ ({QSP} l.1210, estimated: polarisation in 2–3 d)"), "maximal M1→M2 polarisation"),
    "n_M2": (2.0, "dimensionless", E("assumed, calibrated to TME-3: cooperative (Hill 2) STAT3 drive of M2 genes (IL-4Rα induction then IL-4 response, Mauer 2014)"), "Hill coefficient of the STAT3 M2 drive"),
    "n_th17": (2.0, "dimensionless", E("assumed, calibrated to TME-6: RORγt induction needs sustained IL-6/STAT3 signaling (cooperative)"), "Hill coefficient of Th17 polarisation"),
    "k_M1_pol": (0.045, "1/day", E(f"k_M1_pol 0.045 d⁻¹ ({QSP} l.1214, 'estimated based on the M1/M2 ratio')"), "M2→M1 repolarisation"),
    "b_M2": (0.07, "dimensionless", E("assumed: STAT3-independent M2 drive (IL-4/IL-13, IL-10, CSF-1) relative to full STAT3 drive; TAMs of basal-like tumors are mostly CD163+ (Yang 2018, FACTS)"), "basal M2 drive"),
    "k_mac_death": (0.02, "1/day", E(f"k_Mac_death 0.02 d⁻¹ (Ginhoux 2016, via {QSP} l.1170)"), "macrophage death"),
    "K_STAT3_mac": (18.0, "nM", E("assumed, calibrated to TME-3: half-maximal M2 drive at 18 nM nuclear pSTAT3 dimer (IL-6/STAT3 → IL-4Rα, Mauer 2014, FACTS-TME 6); untreated tnbc macrophages carry ~5–6 nM, so the STAT3 drive is ~0.08–0.1 of its maximum there and rises steeply (Hill 2) with more IL-6 [92]", (92,)), "macrophage STAT3 activity of half-maximal M2 drive"),
    "k_neut_rec": (1.0e5, "cell/mL/day", E("assumed: tumor-associated neutrophil influx (TNBC: TANs in 88 % of tumors, FACTS-TME 2)"), "neutrophil recruitment per mL tumor"),
    "k_neut_death": (0.5, "1/day", E("assumed: tissue neutrophil half-life ~1.4 d"), "neutrophil death"),
    "k_mdsc_rec": (1.1e4, "cell/mL/day", E(f"k_MDSC_rec 1.1e4 cell/(mL·d) (Diaz-Montero 2009, Huang 2006, via {QSP} l.915)"), "MDSC recruitment per mL tumor"),
    "k_mdsc_death": (0.015, "1/day", E(f"k_MDSC_death 0.015 d⁻¹ (Lai 2018, via {QSP} l.919)"), "MDSC death with full STAT3 activity"),
    "w_mdsc_apop": (4.0, "dimensionless", E("assumed, calibrated to TME-5: STAT3 loss raises MDSC apoptosis (Bax-dependent, Guha et al., FACTS-TME 6) [99]", (99,)), "extra MDSC death without STAT3"),
    "K_STAT3_mdsc": (4.0, "nM", E("assumed, calibrated to TME-5"), "MDSC STAT3 activity of half-maximal survival"),
    "K_MDSC_supp": (1.0e6, "cell/mL", E("assumed: half-maximal suppression at 1e6 MDSC/mL (QSP-IO plausible range 1e4–1e7, postprocessing/PSA_param_out_TNBC.m l.96–97 @acc8366)"), "MDSC density of half-maximal T-cell suppression"),
    "w_MDSC_supp": (0.5, "dimensionless", E("assumed: MDSCs (NO, Arg1) remove up to half of killing (QSP-IO H_MDSC)"), "maximal MDSC suppression of killing"),
    # --- COX-2 / PGE2
    "k_PGE2_sec": (2.0e4, "1/cell/day", E("assumed: PGE2 molecules per macrophage per day per unit COX-2 mRNA"), "macrophage PGE2 release per unit PTGS2 mRNA"),
    "k_PGE2_deg": (0.05, "1/min", E("assumed: PGE2 half-life ~14 min in tissue (15-PGDH)"), "PGE2 degradation"),
    "K_PGE2": (0.02, "nM", E("assumed, calibrated to TME-11: EP2/EP4 respond at low-nM PGE2"), "PGE2 of half-maximal effect"),
    "w_PGE2_prolif": (0.6, "dimensionless", E("assumed, calibrated to TME-11: macrophage COX-2/PGE2 promotes mammary tumor growth [105]", (105,)), "proliferation gain at saturating PGE2"),
    # --- dendritic cells
    "k_dc_rec": (1.0e5, "cell/mL/day", E(f"assumed: gives ~4e5 DC/mL at steady state (APC0_T 4e5 cell/mL, Lavin 2017, via {QSP} l.388)"), "immature DC recruitment per mL tumor"),
    "k_dc_mat": (0.2, "1/day", E("assumed: immature DCs mature (and leave) in ~5 d without STAT3"), "maximal DC maturation"),
    "k_dc_death": (0.1, "1/day", E("assumed: DC residence ~10 d"), "immature DC death"),
    "k_dcm_death": (0.3, "1/day", E("assumed: mature DCs migrate to lymph nodes in ~3 d"), "mature DC loss"),
    "w_STAT3_dc": (4.0, "dimensionless", E("assumed, calibrated to TME-5: STAT3 suppresses DC maturation [100]", (100,)), "suppression of DC maturation by STAT3"),
    "K_STAT3_dc": (4.0, "nM", E("assumed"), "DC STAT3 activity of half-maximal suppression"),
    "w_PGE2_dc": (1.0, "dimensionless", E("assumed: PGE2 inhibits DC maturation"), "suppression of DC maturation by PGE2"),
    # --- T cells
    "k_cd8_rec": (1.8e5, "cell/mL/day", E("assumed, calibrated with K_PDL1 to KEYNOTE-086 cohort A: effector CD8+ influx per mL tumor without stromal TGF-β exclusion, giving ~6e5 CD8+/mL in untreated tnbc (QSP-IO plausible 1e5–1e9 cells/mL, PSA_param_out_TNBC.m l.72–73 @acc8366, ANCHORS-TRIALS.md) and killing ~0.001 d⁻¹ per tumor cell; a larger influx makes T-cell STAT3 loss eradicate the tumor within 180 d, so that CD8+ counts fall instead of rising (TME-5, TME-6)"), "CD8+ recruitment per mL tumor (no TGF-β exclusion)"),
    "w_TGFb_excl": (2.0, "dimensionless", E("assumed (no number found; Mariathasan 2018 and Tauriello 2018 [95] show the exclusion and its reversal qualitatively): full CAF TGF-β/SMAD signaling cuts CD8+ entry into the tumor to 1/3", (95,)), "CD8+ exclusion by stromal TGF-β signaling at full CAF SMAD activity"),
    "K_dcm": (5.0e4, "cell/mL", E("assumed: priming half-maximal at 5e4 mature DC/mL"), "mature-DC density of half-maximal priming"),
    "b_prime": (0.2, "dimensionless", E("assumed: DC-independent CD8+ influx relative to full priming"), "basal priming"),
    "k_cd8_death": (0.01, "1/day", E(f"k_CD8_death 0.01 d⁻¹ (De Boer and Perelson 1995, via {QSP} l.120; reviews/tme-drug-parameter-sources.md)"), "effector CD8+ death"),
    "k_cd8_exh": (0.1, "1/day", E(f"k_Tcell 0.1 d⁻¹ T-cell exhaustion by cancer cells ({QSP} l.192, estimated), in its Teff_module.m form k_Tcell·T·C/(C + T)·H_PD1 with this model's PD-1 engagement H_PDL1"), "T-cell exhaustion at full PD-1 engagement"),
    "k_exh_death": (0.1, "1/day", E(f"k_cell_clear 0.1 d⁻¹, clearance of exhausted T cells ({QSP} l.64, estimated; the same value is in the Wang 2021 reference SBML)"), "exhausted CD8+ clearance"),
    "w_STAT3_T": (6.0, "dimensionless", E("assumed, calibrated to TME-6: STAT3 in T cells lowers effector accumulation [3]", (3,)), "loss of effector accumulation per unit T-cell STAT3 activity"),
    "K_STAT3_T": (8.0, "nM", E("assumed"), "T-cell STAT3 activity of half-maximal effect"),
    "k_cd4_rec": (1.0e5, "cell/mL/day", E("assumed: CD4+ influx of the order of CD8+"), "CD4+ recruitment per mL tumor"),
    "k_cd4_death": (0.05, "1/day", E("assumed: as CD8+"), "CD4+ death"),
    "k_th17": (0.6, "1/day", E("assumed, calibrated to Th17 9–15 % of CD4+ TILs (Wang 2011, FACTS-TME 2); Th17 polarisation needs IL-6/STAT3 with TGF-β (Manel 2008, FACTS-TME 6) [98]", (98,)), "maximal Th17 polarisation"),
    "k_th17_rev": (0.1, "1/day", E("assumed: Th17 plasticity"), "Th17 reversion"),
    "K_IL6_STAT3_th17": (18.0, "nM", E("assumed, calibrated to TME-6: Th17 induction needs IL-6 (or IL-21) signaling through STAT3 with TGF-β (Manel 2008, FACTS-TME 6); IL-11 is not among the inducers [98]", (98,)), "IL-6-driven CD4+ STAT3 activity of half-maximal Th17 polarisation"),
    # --- cytokine secretion (molecules per cell per day)
    "sec_IL6_M1": (1.0e5, "1/cell/day", E("assumed: LPS-stimulated monocytes secrete 6.5–10.6 IL-6 molecules/s (FACTS-TME 1, low confidence); TAMs less"), "IL-6 secretion by M1 macrophages"),
    "sec_IL6_M2": (2.0e5, "1/cell/day", E("assumed, calibrated to TME-3: M2 TAMs secrete IL-6 [100]", (100,)), "IL-6 secretion by M2 macrophages"),
    "sec_TNF_M1": (5.0e3, "1/cell/day", E("assumed"), "TNFα secretion by M1 macrophages"),
    "sec_TNF_M2": (1.0e4, "1/cell/day", E("assumed, calibrated to TME-3: M2 TAMs secrete TNFα [100]", (100,)), "TNFα secretion by M2 macrophages"),
    "sec_IL6_mdsc": (2.0e4, "1/cell/day", E("assumed: MDSC–tumor IL-6 loop [90]", (90,)), "IL-6 secretion by MDSCs"),
    "sec_IL6_adipocyte": (2.5e5, "1/cell/day", E("assumed, calibrated to TME-2: adipose stromal cells secrete IL-6 (Walter 2009; Crichton, FACTS-TME 1) [18,85-89]", (18, 85, 86, 87, 88, 89)), "IL-6 secretion by adipose stromal cells"),
    "sec_leptin_adipocyte": (1.08e5, "1/cell/day", E("assumed: ~1.08e6 leptin molecules/adipocyte/day from whole-body 797 ng/min (Klein 1996, FACTS-TME 1): 797 ng/min × 1440 min/d ÷ 16 kDa × N_A = 4.3e16 molecules/d over ~4e10 adipocytes, ÷10 for the stromal cells of this cell type"), "leptin secretion by adipose cells"),
    # --- cancer-associated fibroblasts and TGF-β [95, 96]
    "vol_caf": (2.0, "pL/cell", E("assumed: fibroblast ~15 µm equivalent diameter"), "CAF volume"),
    "k_caf_act": (6.0e5, "cell/mL/day", E("assumed, calibrated: CAFs ~20 % of tumor cell number (no CAF fraction was found, FACTS-TME 'looked for and not found'; CAFs are the most abundant stromal cell)"), "fibroblast → CAF activation per mL tumor without TGF-β"),
    "TGFb_50_Teff": (0.14, "nM", E(f"TGFb_50_Teff 0.14 nM (Robertson-Tessi 2012, via {QSP} l.1004; 0.28 nM as TGF_50_ctl at 0b6facd)"), "TGF-β of half-maximal suppression of effector T-cell killing"),
    "w_TGFb_caf": (1.0, "dimensionless", E("assumed: TGF-β at full receptor occupancy doubles CAF activation [95,96]", (95, 96)), "TGF-β gain on CAF activation"),
    "k_caf_death": (0.05, "1/day", E("assumed: activated fibroblasts turn over in ~3 weeks"), "CAF death / deactivation"),
    "sec_IL6_caf": (2.0e3, "1/cell/day", E("assumed: CAFs secrete IL-6 (Osuala 2015 ELISA, numbers not seen, FACTS-TME) at basal IL6 mRNA"), "IL-6 secretion by CAFs"),
    "serum_TGFb_healthy": (1300.0, "pg/mL", E("plasma TGF-β1 healthy median 1.30 ng/mL (stage IIIB/IV 2.40; Ivanović 2003, FACTS), taken as exchangeable (active) TGF-β1, assumed"), "host plasma TGF-β1 without tumor"),
    "k_clear_TGFb": (0.0116, "1/min", E("assumed: plasma t½ ~1 h, between the rat initial (2.2–11 min) and terminal (61–163 min) half-lives (Coffey 1987; Zioncheck 1994; FACTS-TME 7)"), "TGF-β1 clearance from blood"),
    "k_TGFb_deg": (14.3 / 1440.0, "1/min", E(f"TGF-β degradation in tumor 14.3 d⁻¹ ({QSP} l.996 k_TGFb_deg, citing Robertson-Tessi 2012; FACTS-TME 7)"), "TGF-β degradation in the tumor"),
    "sec_TGFb_M2": (2.0e-11 * 6.022e14, "1/cell/day", E(f"M2 macrophage TGF-β 2e-11 nmol/cell/day ({QSP} l.1174 k_TGFb_Msec, citing Matsuo 2000; FACTS-TME 1)"), "TGF-β secretion by M2 macrophages"),
    "sec_TGFb_tumor": (1.0e3, "1/cell/day", E("assumed, calibrated: interstitial TGF-β ~1.5 ng/mL, of the order of the QSP-IO tumor baseline TGFbase 0.016 nM (~0.4 ng/mL; parameters_TNBC.m l.1012 @acc8366; FACTS) above the plasma level it exchanges with; no per-cell rate for breast cancer cells was found; TNBC cells secrete TGF-β [70,71]", (70, 71)), "TGF-β secretion by tumor cells"),
    "sec_TGFb_caf": (2.0e3, "1/cell/day", E("assumed: twice the tumor cell (TGF-β secretion by CAFs per cell not found, FACTS-TME)"), "TGF-β secretion by CAFs"),
    # --- exchange and clearance
    "k_exchange": (0.01, "1/min", E("assumed: interstitial fluid exchanges with plasma/lymph in ~70 min"), "tumor interstitium ⇄ blood exchange rate"),
    "k_clear_IL6": (0.0304, "1/min", E("IL-6 t½β 0.38 h (t½α 1.5 min) in rats after i.v. IL-6, bioassay (rat IL-6 pharmacokinetics, Chinese Journal of Clinical Pharmacy; abstract of record 676679090199503002 at 218.28.6.71): ln2/22.8 min; a rat value used for humans, as no human IL-6 clearance was found. The formerly cited Eur J Clin Invest 1990;20:366 abstract gives only an overall half-time of ~1.5 min, biphasic (reviews/tme-drug-parameter-sources.md, item 8)"), "IL-6 clearance from blood"),
    "k_clear_IL11": (0.0058, "1/min", E("assumed: IL-11 plasma t½ ~2 h (Aoyama 1997 gives t½ without a number in the abstract, FACTS-TME 7)"), "IL-11 clearance from blood"),
    "k_clear_TNFa": (0.014, "1/min", E("TNFα t½β 49 ± 5 min in humans (Clin Sci 87:459, FACTS-TME 7)"), "TNFα clearance from blood"),
    "k_clear_leptin": (0.028, "1/min", E("leptin t½ 24.9 min in humans (Klein 1996, FACTS-TME 7)"), "leptin clearance from blood"),
    "k_clear_sR": (0.00048, "1/min", E("assumed: soluble receptors t½ ~1 d in plasma"), "sIL-6R, sIL-11R and sgp130 clearance from blood"),
    "serum_IL6_healthy": (2.0, "pg/mL", E("assumed: healthy serum IL-6 < 5 pg/mL (FACTS: Dwivedi healthy calibration ~10 pg/mL order)"), "host serum IL-6 without tumor"),
    "serum_IL11_healthy": (66.0, "pg/mL", E("healthy controls 66.4 ± 20.3 (Ren 2014, Zhonghua Yi Xue Za Zhi 94:2656, PMID 25511591, Chinese abstract; FACTS), printed in µg/L and read here as pg/mL, a presumed misprint: 66 µg/L (66 ng/mL) would be ~300× the top of the 15–200 pg/mL ELISA normal range quoted in the abstract 'Endogenous interleukin-11 (IL-11) levels in newly diagnosed children with acquired severe aplastic anemia' (discovery.researcher.life record) and ~2,000× the plasma IL-11 reference value ≤ 30 pg/mL of a Japanese laboratory-test dictionary (最新 臨床検査項目辞典 2008, via shinryomatrix.net), while 66 pg/mL lies inside both; low confidence (reviews/tme-drug-parameter-sources.md, item 10)"), "host serum IL-11 without tumor"),
    "serum_TNFa_healthy": (5.0, "pg/mL", E("assumed: healthy serum TNFα a few pg/mL"), "host serum TNFα without tumor"),
    "serum_leptin_healthy": (10000.0, "pg/mL", E("assumed: plasma leptin ~10 ng/mL in adults"), "host serum leptin"),
    "serum_sIL6R": (1.0, "nM", E("serum sIL-6R ~1 nM (Dwivedi 2014; FACTS)"), "serum sIL-6R"),
    "serum_sIL11R": (0.1, "nM", E("assumed: serum sIL-11R not measured (FACTS: not found)"), "serum sIL-11R"),
    "serum_sgp130": (3.9, "nM", E("serum sgp130 390 ng/mL ≈ 3.9 nM (Narazaki 1993; FACTS)"), "serum sgp130"),
}
