"""Kinetic parameters of the signaling module: value, unit, source.

Time is min, concentrations nM, volumes pL. Membrane receptors are expressed per
cytoplasmic volume (1 molecule in 1.5 pL = 1.107e-3 nM). Sources: review reference
numbers [n] are To et al. 2022; "FACTS" is ../shared/FACTS.md, which gives the primary
source for each number; reference model files are named by their BioModels id.
A value is "assumed" where no measured value was found; where it was tuned so that a
claim holds with margin, the note says "calibrated to <claim>".

The tuple is (value, unit, source, description). ``GLOBAL`` parameters are shared by
all cells (medium-phase binding, ligand masses); ``PER_CELL`` get a ``<cell>__`` prefix
and may be overridden by a cell type (see ``cells.py``).
"""
from __future__ import annotations

from ..network import Evidence

E = Evidence
DW = "Dwivedi et al. 2014 CPT:PSP, BIOMD0000000534 (h⁻¹ converted to min⁻¹)"
SOB = "Sobotta et al. 2017, MODEL2307050001"
SINGH = "Singh, Jayaraman & Hahn 2006, BIOMD0000000151"
MOLEC_PER_nM = 1.0 / 1.107e-3  # molecules per nM in 1.5 pL
#: the calibration of docs/calibration.md (scripts/calibrate_signaling.py): STAT3 kinetics
#: fitted to Sobotta 2017's primary mouse hepatocyte IL-6 data, 95 % profile-likelihood CIs
CAL = ("calibrated to Sobotta et al. 2017 (PMID 29062282; primary mouse hepatocytes, IL-6 40–500 ng/mL: "
       "% pSTAT3, SOCS3 and STAT3 copies, nuclear/cytoplasmic STAT3, time courses; docs/calibration.md)")
CAL_SHARED = ("the hepatocyte value is used in every cell type, as a property of STAT3's nuclear transport and "
              "nuclear phosphatase; the cell-specific amounts the same fit determines (gp130, SOCS3 translation, "
              "promoter threshold) are applied to the hepatocyte preset only")

GLOBAL: dict[str, tuple[float, str, Evidence, str]] = {
    # --- volumes
    # --- IL-6 family binding (medium phase and membrane share the same constants)
    "kon_IL6_IL6R": (0.2, "1/(nM*min)", E("assumed: 3.3e6 M⁻¹s⁻¹, calibrated to dose-dependent peak times of Sobotta 2017 (FACTS: peak ~22 min at intermediate IL-6, with the file's ruxolitinib inputs set to 0)"), "IL-6 + IL-6R(α) association"),
    "koff_IL6_IL6R": (0.1, "1/min", E("Kd 0.5 nM (HepG2 gp80; FACTS: FEBS Lett 'The hepatic IL-6 receptor') with the assumed kon", (4, 16)), "IL-6·IL-6R dissociation"),
    "koff_IL6_sIL6R": (0.1, "1/min", E("assumed equal to membrane IL-6R (Kd 0.5 nM, FACTS); Ward et al. 1995 (Biochemistry 34:2901, SPR) report Kd 20 nM for sIL-6R — with that value trans signaling is weaker and SIG-4's sgp130 cut falls from 75 % to 64 %", (16, 21)), "IL-6·sIL-6R dissociation"),
    "kon_gp130": (0.342, "1/(nM*min)", E(f"{DW}: kgp130On 20.52 nM⁻¹h⁻¹", (16,)), "ligand·α-receptor + gp130 association"),
    "koff_gp130": (0.0171, "1/min", E(f"{DW}: kgp130Off 1.026 h⁻¹", (16,)), "ligand·α-receptor·gp130 dissociation"),
    "kon_IL11_IL11RA": (0.06, "1/(nM*min)", E("assumed: kon 1e6 M⁻¹s⁻¹"), "IL-11 + IL-11RA association"),
    "koff_IL11_IL11RA": (0.6, "1/min", E("Kd 10 nM with the assumed kon: Hilton et al. 1994 (EMBO J 13:4765, murine IL-11Rα on Ba/F3) report a single Kd ≈ 10 nM (FACTS). The high-affinity site formed with gp130 (Hilton 1994: 300–800 pM; human IL-11Rα: 250 pM, Oncogene 1996;12:585) is not a parameter here: it arises from gp130 recruitment", (4, 16)), "IL-11·IL-11RA dissociation"),
    "koff_IL11_sIL11R": (0.6, "1/min", E("Kd 10 nM, lower end of 10–50 nM for IL-11/sIL-11R (FACTS: Curtis et al. 1997 Blood)", (16, 21)), "IL-11·sIL-11R dissociation"),
    "k_deg_ligand_medium": (0.001, "1/min", E("assumed: IL-6/IL-11 half-life ~11.5 h in conditioned medium"), "loss of ligand and soluble complexes from the medium"),
    # --- gp130-independent inputs: affinities (quasi-steady occupancy)
    "K_EGF": (0.2, "nM", E("EGF–EGFR KD ≈ 0.2 nM on SKBR3 breast cancer cells (≈ 8 nM on A431): Björkelund et al. 2011, PLoS ONE 6:e16536", (3, 9)), "EGF half-occupancy"),
    "K_LPS": (1.0, "nM", E("assumed: LPS–TLR4/MD-2 responses at ~10 ng/mL (10 kDa monomer)"), "LPS half-activation"),
    "K_CpG": (100.0, "nM", E("assumed: CpG ODN active at 0.1–1 µM in culture"), "CpG half-activation"),
    "K_S1P": (10.0, "nM", E("assumed: S1P1 binds S1P with low-nM affinity"), "S1P half-occupancy"),
    "K_AngII": (1.0, "nM", E("assumed: AT1R Kd ~ nM"), "angiotensin II half-occupancy"),
    "K_leptin": (1.0, "nM", E("assumed: leptin receptor Kd ~ nM"), "leptin half-occupancy"),
    "K_TNFa": (0.019, "nM", E("TNF–TNFR1 Kd 1.9e-11 M at 37 °C: Grell et al. 1998, PNAS 95:570"), "TNFα half-occupancy"),
    "K_IFNg": (0.15, "nM", E("IFN-γ receptor Kd 1.5e-10 M, 2,400 sites per human fibroblast (PMID 6288678)"), "IFN-γ half-occupancy"),
    "K_SHH": (1.0, "nM", E("assumed: SHH–PTCH1 ~ nM"), "SHH half-activation"),
}

PER_CELL: dict[str, tuple[float, str, Evidence, str]] = {
    # --- receptor numbers (nM per cytoplasmic volume)
    "R0_IL6R": (2000 / MOLEC_PER_nM, "nM", E("assumed 2,000 IL-6R/cell: HepG2 ~1,200, hepatocytes ~4,500 high-affinity sites (FACTS); breast lines express IL-6Rα mRNA (Douglas 1997)", (4,)), "IL-6R(α) at rest"),
    "R0_IL11RA": (2000 / MOLEC_PER_nM, "nM", E("assumed 2,000 IL-11RA/cell; breast lines express IL-11Rα mRNA (FACTS: Douglas 1997)", (4, 54)), "IL-11RA at rest"),
    "R0_gp130": (3000 / MOLEC_PER_nM, "nM", E(f"assumed 3,000 gp130/cell, below {SOB} ~4,300 gp130·JAK1 per hepatocyte", (4,)), "gp130 (pre-associated with JAK1/2) at rest"),
    "k_receptor_turnover": (0.0026, "1/min", E(f"{DW}: kRintBasal 0.156 h⁻¹"), "basal receptor synthesis/degradation rate"),
    "k_internalisation": (0.0327, "1/min", E(f"{DW}: kRint 1.96 h⁻¹, which Dwivedi applies to IL-6·IL-6R and IL-6·IL-6R·gp130 only; HepG2 IL-6R surface t½ 15–30 min (FACTS). Here it is applied to the JAK-active and SOCS3-bound complexes too, which departs from Dwivedi 2014: it internalises active receptor at kintActiveR 0.01 h⁻¹ (1.7e-4 min⁻¹, 196× slower). Kept because with Dwivedi's active-receptor rate resting pSTAT3 rises 13-fold and SIG-4, SIG-6, SIG-8 and SIG-9 fail (calibrated to SIG-4/6/8/9)", (16,)), "ligand-bound receptor complex internalisation, every JAK state (receptor-mediated ligand clearance)"),
    "f_recycle_gp130": (0.9, "dimensionless", E("assumed: 90 % of internalised gp130 returns to the surface, so ligand-bound gp130 is lost at about its basal turnover; the ligand is degraded (FACTS: >80 % of bound IL-6 degraded)"), "fraction of internalised gp130 recycled"),
    "f_recycle_alpha": (0.8, "dimensionless", E("assumed, calibrated to SIG-5 (SOCS3-null cells sustain pSTAT3 under continuous IL-6). Departs from its source: the FACTS FEBS Lett paper (Zohlnhöfer et al. 1992, FEBS Lett 306:219) finds that internalised IL-6R (gp80) is not recycled, its reappearance taking > 8 h and needing new synthesis. With no recycling (0) SIG-5, SIG-8 and SIG-9 fail"), "fraction of internalised IL-6R/IL-11RA recycled"),
    # --- JAK
    "k_jak_activation": (0.5, "1/min", E(f"assumed: JAK trans-phosphorylation within minutes ({SINGH}: active receptor peaks ~4.6 min)", (3,)), "JAK activation in a ligand-bound complex"),
    "k_receptor_dephos": (0.077, "1/min", E(f"{SOB}: generic receptor dephosphorylation, t½ 9 min; Sobotta names no phosphatase, so SHP2 (PTPN11) is assumed", (26, 27)), "dephosphorylation of active gp130/JAK (assumed SHP2)"),
    "w_JAK1": (0.7, "dimensionless", E("assumed: JAK1 dominant for gp130 (JAK1-deficient cells lose IL-6 responses)", (3,)), "JAK1 share of gp130 kinase activity"),
    "w_JAK2": (0.3, "dimensionless", E("assumed: JAK2 minor share for gp130", (3,)), "JAK2 share of gp130 kinase activity"),
    # --- STAT3 / STAT1
    "STAT3_total0": (250.0, "nM", E(f"{SOB}: ~2.3e5 STAT3 per cell, here in 1.5 pL cytoplasm"), "total STAT3 per cytoplasmic volume"),
    "STAT1_total0": (150.0, "nM", E("assumed: STAT1 of the same order as STAT3"), "total STAT1"),
    "k_stat3_phos": (0.05, "1/(nM*min)", E("assumed, calibrated to SIG-1/SIG-5: peak nuclear pSTAT3 a third of total STAT3"), "STAT3 Y705 phosphorylation per nM active receptor kinase"),
    "f_stat1_phos_gp130": (0.2, "dimensionless", E("assumed: IL-6 phosphorylates STAT1 weakly next to STAT3", (143, 144)), "STAT1 phosphorylation by gp130 relative to STAT3"),
    "k_stat1_phos_ifngr": (0.5, "1/min", E("assumed: IFN-γ phosphorylates STAT1 within minutes"), "maximal STAT1 phosphorylation by IFNGR/JAK1/2"),
    "k_dephos_cyt": (0.04, "1/min", E("assumed, calibrated to SIG-6; cytoplasmic SHP1 (PTPN6)/TC-PTP activity", (26, 27, 28)), "cytoplasmic pY705 dephosphorylation"),
    "k_dephos_nuc": (0.123, "1/min", E(f"{CAL}, 95 % profile CI [0.0802, 0.185] /min; {CAL_SHARED}. Nuclear TC-PTP (PTPN2)", (26, 28)), "nuclear pY705 dephosphorylation"),
    "f_nuc_dephos_other": (0.1, "dimensionless", E("assumed: TC-PTP (PTPN2) does ~90 % of nuclear pY705 dephosphorylation, nuclear SHP2 (PTPN11) the rest", (26, 27, 28)), "share of nuclear STAT dephosphorylation not due to TC-PTP"),
    "k_dimer": (0.01, "1/(nM*min)", E("assumed: SH2–pY dimerisation"), "pSTAT dimer association"),
    "k_undimer": (0.2, "1/min", E("assumed: Kd 20 nM for pSTAT dimers"), "pSTAT dimer dissociation"),
    "k_import_dimer": (0.148, "1/min", E(f"{CAL}, 95 % profile CI [0.104, 0.218] /min; {CAL_SHARED}. Singh 2006 uses 0.005 s⁻¹ = 0.3 min⁻¹"), "nuclear import of pSTAT dimers"),
    "k_import": (0.058, "1/min", E(f"{SOB}: STAT3 import t½ 12 min; shuttling is Y705-independent (FACTS: Cimica 2011)"), "import of unphosphorylated STAT"),
    "k_export": (0.211, "1/min", E(f"{CAL}, 95 % profile CI [0.169, 0.264] /min; {CAL_SHARED}. Slower than both source models' export: Sobotta's model t½ 21 s (1.97 min⁻¹), Singh 0.05 s⁻¹ = 3 min⁻¹ for unphosphorylated nuclear STAT3 monomer"), "export of unphosphorylated STAT"),
    "f_CD45": (0.0, "dimensionless", E("CD45 (PTPRC) is hematopoietic: 0 in epithelial and stromal cells, 1 in myeloid cells", (26, 27, 28)), "CD45 contribution to cytoplasmic STAT dephosphorylation"),
    # --- SOCS3 feedback
    "A_SOCS3": (40.0, "dimensionless", E("~40-fold SOCS3 mRNA induction in vivo (FACTS: Campbell et al. 2001 J Clin Invest)", (24, 25)), "maximal SOCS3 transcription fold over basal"),
    "k_mrna_SOCS3": (0.03, "1/min", E(f"{SINGH}: SOCS3 mRNA t½ ~23 min; consistent with SOCS3 mRNA peaking at 30 min and back to basal by 2 h after GH (Adams et al. 1998, J Biol Chem 273:1285)"), "SOCS3 mRNA turnover"),
    "k_tl_SOCS3": (0.003, "nM/au/min", E("assumed: basal SOCS3 protein 0.1 nM, ~2–4 nM when induced"), "SOCS3 translation"),
    "k_deg_SOCS3": (0.03, "1/min", E(f"{SINGH}: SOCS3 protein t½ ~23 min (Sobotta's 1.5–2.3 min judged implausibly short in FACTS)"), "SOCS3 protein degradation"),
    "kon_SOCS3": (1.0, "1/(nM*min)", E("assumed, calibrated to SIG-5: SOCS3 binds gp130 pY759/JAK within minutes once induced", (24, 25, 31)), "SOCS3 binding to the active receptor complex"),
    "koff_SOCS3": (0.005, "1/min", E("assumed: Kd 5 pM (0.005/1.0) for SOCS3 on pY759-gp130/JAK (tight inhibitory complex)"), "SOCS3 release"),
    # --- transcription (STAT3 transcriptional activity = nuclear pSTAT3 dimers + half the STAT1:STAT3 heterodimers)
    "K_tf_STAT3": (50.0, "nM", E("assumed, calibrated to SIG-6/SIG-8: half-maximal target activation at 50 nM nuclear pSTAT3 dimer (≈ index 0.13)"), "STAT3 half-activation of target promoters"),
    "K_tf_STAT1": (10.0, "nM", E("assumed"), "STAT1 half-activation of target promoters"),
    "n_hill_STAT3": (2.0, "dimensionless", E("assumed: cooperative promoter activation by pSTAT3 dimers (tandem GAS elements)"), "Hill coefficient of STAT3-driven transcription"),
    "n_hill_STAT1": (2.0, "dimensionless", E("assumed: as for STAT3"), "Hill coefficient of STAT1-driven transcription"),
    "n_hill_NFkB": (2.0, "dimensionless", E("assumed: cooperative κB-site activation"), "Hill coefficient of NF-κB-driven transcription"),
    "n_hill_GLI1": (2.0, "dimensionless", E("assumed, calibrated to SIG-10: co-activation needs GLI1 well above basal"), "Hill coefficient of GLI1 co-activation"),
    "w_heterodimer_tf": (0.5, "dimensionless", E("assumed: a STAT1:STAT3 heterodimer carries one STAT3 and one STAT1 transactivation domain, so it counts half toward each", (143, 144)), "weight of heterodimers in STAT3 and STAT1 transcriptional activity"),
    "A_coactivation": (9.0, "dimensionless", E("assumed, calibrated to SIG-7/SIG-10: genes needing two factors (FSCN1: STAT3 and NF-κB; RRAS2/CEP70/UPF3A: STAT3 and GLI1) reach 10-fold", (33, 34, 42, 45, 46)), "maximal fold induction of co-activated genes minus 1"),
    "k_mrna": (0.01, "1/min", E("assumed: target mRNA half-life ~70 min"), "turnover of target-gene mRNA (other than SOCS3)"),
    "A_target": (3.0, "dimensionless", E("assumed: 4-fold maximal induction of STAT3 targets", (3, 29)), "fold induction of STAT3-activated genes minus 1"),
    "A_CXCR4": (3.0, "dimensionless", E("assumed: as A_target (no IL-6 → CXCR4 fold in breast cells was found, FACTS-TME)", (76,)), "fold induction of CXCR4 by STAT3 minus 1"),
    "R_target": (4.0, "dimensionless", E("assumed: up to 5-fold repression of STAT3-repressed genes", (3, 29)), "repression strength of STAT3-repressed genes"),
    # --- NF-κB loop
    "k_nfkb_act": (0.05, "1/min", E("assumed: NF-κB nuclear translocation within ~20 min"), "NF-κB activation rate per unit drive"),
    "k_nfkb_inact": (0.05, "1/min", E("assumed: IκBα resynthesis returns NF-κB to the cytoplasm in ~15–30 min"), "NF-κB inactivation"),
    "b_nfkb": (0.1, "dimensionless", E("assumed: basal NF-κB drive"), "basal NF-κB drive"),
    "w_nfkb_TNF": (3.0, "dimensionless", E("assumed: TNFα is the strongest NF-κB input", (33, 34)), "TNFα drive of NF-κB"),
    "w_nfkb_STAT3": (0.6, "dimensionless", E("assumed, calibrated to SIG-7: STAT3 → NF-κB positive loop", (33, 34)), "STAT3 drive of NF-κB"),
    "K_nfkb": (0.3, "au", E("assumed"), "NF-κB half-activation of target promoters"),
    "A_IL6_nfkb": (5.0, "dimensionless", E("assumed: NF-κB is the main IL6 promoter input", (33, 34)), "NF-κB induction of IL6"),
    "k_secretion_IL6": (0.023, "nM/au/min", E("assumed: ~30,000 IL-6 molecules per cell per day at basal expression (≈1 ng/mL per 1e6 cells per day, the order secreted by breast cancer lines)", (18,)), "IL-6 secretion per unit IL6 mRNA"),
    # --- GLI1 co-activation
    "k_gli1": (0.01, "1/min", E("assumed: GLI1 protein half-life ~70 min"), "GLI1 turnover"),
    "A_GLI1_SHH": (9.0, "dimensionless", E("assumed: Hedgehog raises GLI1 ~10-fold", (42, 45)), "SHH induction of GLI1"),
    "K_GLI1": (3.0, "au", E("assumed, calibrated to SIG-10: co-activation needs GLI1 above its basal level", (42, 45, 46)), "GLI1 half-activation of shared promoters"),
    # --- gp130-independent route (EGFR, TLR4/9, S1PR1, AT1R, leptin R -> JAK2 -> STAT3)
    "k_alt_on": (0.2, "1/min", E("assumed: receptor-tyrosine-kinase/GPCR activation within minutes"), "activation of the gp130-independent kinase pool"),
    "k_alt_off": (0.05, "1/min", E("assumed"), "inactivation of the gp130-independent kinase pool"),
    "k_alt_phos": (0.03, "1/min", E("assumed, calibrated to SIG-9: a saturating gp130-independent input gives a response of the order of IL-6's", (9, 10, 11, 12, 13, 14, 15)), "STAT3 phosphorylation by the fully active gp130-independent pool"),
    "w_alt_EGFR": (1.0, "dimensionless", E("assumed", (3, 9)), "EGFR weight"),
    "w_alt_TLR4": (1.0, "dimensionless", E("assumed", (10,)), "TLR4 weight"),
    "w_alt_TLR9": (1.0, "dimensionless", E("assumed", (11,)), "TLR9 weight"),
    "w_alt_S1PR1": (0.2, "dimensionless", E("assumed, calibrated to SIG-9: basal S1P adds little to resting pSTAT3 while induced S1PR1 sustains it", (12,)), "S1PR1 weight per unit S1PR1 expression"),
    "w_alt_AT1R": (1.0, "dimensionless", E("assumed", (13, 14)), "AT1R weight"),
    "w_alt_LEPR": (1.0, "dimensionless", E("assumed", (15,)), "leptin receptor weight"),
    "A_S1PR1": (3.0, "dimensionless", E("assumed: STAT3 induces S1PR1 (review [12])", (12,)), "STAT3 induction of S1PR1"),
    # --- PTGS2 (COX-2)
    "A_PTGS2_nfkb": (3.0, "dimensionless", E("assumed: COX-2 is an NF-κB target"), "NF-κB induction of PTGS2"),
    "A_PTGS2_stat3": (1.0, "dimensionless", E("assumed: STAT3 co-induces COX-2 in epithelial cells"), "STAT3 induction of PTGS2 (epithelial)"),
    "K_tf_PTGS2": (50.0, "nM", E("assumed: as K_tf_STAT3 unless a cell type says otherwise"), "STAT3 activity of half-maximal effect on the PTGS2 promoter"),
    "R_PTGS2_stat3": (0.0, "dimensionless", E("assumed: zero in epithelial cells; myeloid STAT3 represses COX-2 (review [105])", (105,)), "STAT3 repression of PTGS2 (myeloid)"),
    "A_CD274_stat1": (3.0, "dimensionless", E("assumed: STAT1 induces PD-L1", (118,)), "STAT1 induction of CD274"),
    # --- drug inputs (nM at the cell; the drug layer sets them)
    "I_gp130": (0.0, "nM", E("input: gp130 blocker (bazedoxifene-like) concentration", (2, 108)), "gp130 blocker at the cell"),
    "IC50_gp130": (1000.0, "nM", E("assumed: bazedoxifene blocks IL-6/gp130 in the µM range in cells", (108, 109)), "gp130 blocker potency"),
    "I_JAK": (0.0, "nM", E("input: JAK1/2 inhibitor (free, unbound) concentration", (113,)), "JAK inhibitor at the cell"),
    "Ki_JAK1": (3.3, "nM", E("ruxolitinib IC50 JAK1 3.3 nM, cell-free, as quoted on a vendor page (erk5inhibitor.com, low confidence) citing Quintás-Cardama 2010 (Blood 115:3109), whose abstract lacks the number; the primary's full text was not read (FACTS-DRUGS: cell-free IC50 'not seen')", (113,)), "JAK1 inhibition constant"),
    "Ki_JAK2": (2.8, "nM", E("ruxolitinib IC50 JAK2 2.8 nM, cell-free, as quoted on a vendor page (erk5inhibitor.com, low confidence) citing Quintás-Cardama 2010 (Blood 115:3109), whose abstract lacks the number; the primary's full text was not read (FACTS-DRUGS: cell-free IC50 'not seen')", (113,)), "JAK2 inhibition constant"),
    "I_STAT3_SH2": (0.0, "nM", E("input: SH2-domain STAT3 inhibitor concentration", (116, 117, 149)), "SH2 inhibitor at the cell"),
    "Ki_SH2_STAT3": (100.0, "nM", E("assumed: a 100 nM SH2 inhibitor"), "SH2 inhibitor constant on STAT3"),
    "Ki_SH2_STAT1": (300.0, "nM", E("assumed: the conserved SH2 pocket gives 3-fold weaker binding to STAT1", (149, 150)), "SH2 inhibitor constant on STAT1"),
    "I_STAT3_tx": (0.0, "nM", E("input: inhibitor of STAT3 transcriptional activity downstream of DNA binding (pyrimethamine-like: no effect on pY705, nuclear translocation or DNA binding; Heppler et al. 2021 J Biol Chem, abstract)", (117,)), "STAT3 transcription inhibitor at the cell"),
    "IC50_STAT3_tx": (1000.0, "nM", E("assumed: a 1 µM transcription inhibitor (the drug layer sets the drug's own potency)"), "STAT3 transcription inhibitor potency"),
    # --- gene levels (1 = wild type; knock-outs set 0)
    **{f"lvl_{g}": (1.0, "dimensionless", E("gene level, 1 = wild type"), f"{g} expression/activity level")
       for g in ("IL6R", "IL11RA", "IL6ST", "JAK1", "JAK2", "STAT3", "STAT1", "SOCS3", "PTPN2", "PTPN6",
                 "PTPN11", "PTPRC", "RELA", "GLI1", "S1PR1", "EGFR", "TLR4", "TLR9", "AGTR1", "LEPR", "IL6", "IFNGR1", "TNFRSF1A", "PTGS2")},
}

# Ligands: id -> (molar mass kDa, source, name). Masses let the CLI take ng/mL.
LIGANDS: dict[str, tuple[float, str, str]] = {
    "IL6": (21.0, "FACTS: IL-6 ≈ 21 kDa", "interleukin-6"),
    "IL11": (19.0, "assumed: mature IL-11 ~19 kDa", "interleukin-11"),
    "sIL6R": (55.0, "assumed: glycosylated soluble IL-6R ~55 kDa", "soluble IL-6 receptor"),
    "sIL11R": (40.0, "assumed: soluble IL-11RA ~40 kDa", "soluble IL-11 receptor"),
    "sgp130": (100.0, "FACTS: 390 ng/mL ≈ 3.9 nM (Narazaki 1993 / Dwivedi 2014)", "soluble gp130"),
    "TNFa": (52.0, "assumed: TNFα trimer ~52 kDa", "tumor necrosis factor α"),
    "IFNg": (34.0, "assumed: IFN-γ dimer ~34 kDa", "interferon γ"),
    "SHH": (20.0, "assumed: N-terminal SHH ~20 kDa", "sonic hedgehog"),
    "EGF": (6.0, "assumed: EGF ~6 kDa", "epidermal growth factor (EGFR)"),
    "LPS": (10.0, "assumed: LPS monomer ~10 kDa", "lipopolysaccharide (TLR4)"),
    "CpG": (6.5, "assumed: 20-mer ODN ~6.5 kDa", "CpG oligonucleotide (TLR9)"),
    "S1P": (0.38, "S1P 379.5 g/mol", "sphingosine-1-phosphate (S1PR1)"),
    "AngII": (1.05, "angiotensin II 1046 g/mol", "angiotensin II (AT1R)"),
    "leptin": (16.0, "assumed: leptin ~16 kDa", "leptin (leptin receptor)"),
}

#: medium level of each input in the unstimulated state (nM), with source. Empty: the
#: default protocol is that of stimulation experiments, serum-starved cells in fresh
#: medium, so S1P and other serum factors are only present when given as stimuli.
BASAL_MEDIUM: dict[str, tuple[float, str]] = {}
