"""The texts of the region report, marked for the dashboard's gettext catalogue.

The report is written in the language asked for with the dashboard's catalogue
(:func:`smartspec.services.web.i18n.translations`). Its templates are extracted with the other
domains' templates; these texts are built in Python (:mod:`.service`), so they live in a module
whose name the catalogue's extraction reads (``pages*.py``, see
:mod:`smartspec.services.web.domain_messages`). Nothing here imports a web framework.
"""

from __future__ import annotations

from smartspec.domains.monitoring.pages_names import KIND_NAMES, STATUS_NAMES
from smartspec.domains.registry.pages_names import CLASS_NAMES
from smartspec.services.web.i18n import N_

__all__ = [
    "CLASS_NAMES",
    "COLUMNS",
    "EXPLAIN",
    "KIND_NAMES",
    "NOTICES",
    "SECTIONS",
    "STATUS_NAMES",
    "TEXT",
]

#: Section titles, by section key.
SECTIONS = {
    "evidence": N_("Evidence profile of the region"),
    "priorities": N_("Declared priorities and their coherence with the evidence"),
    "monitoring": N_("Monitoring progress of the strategy"),
    "benchmark": N_("Benchmark regions"),
    "review": N_("Peer-review results"),
}

#: What each section shows and how to read it, by section key.
EXPLAIN = {
    "evidence": N_(
        "Specialisations are the activities in which the region's share of the dataset's "
        "measure is larger than the share of all regions together: a revealed comparative "
        "advantage (RCA, Balassa 1965) above 1. Opportunities are activities the region does "
        "not have yet, ranked by relatedness density: how close they are to what the region "
        "already does (Hidalgo et al. 2007). The caveats say how far the complexity figures "
        "of this dataset can be trusted."
    ),
    "priorities": N_(
        "The priorities the region declared in its smart specialisation strategy (the "
        "registry), each compared with the evidence of the dataset: evidence-backed when one "
        "of its activities is a specialisation of the region, emerging when one lies in the "
        "top quartile of relatedness density of the activities the region is not specialised "
        "in, weakly grounded otherwise, not assessable when the dataset has no usable data "
        "for its activities."
    ),
    "monitoring": N_(
        "The indicators of the region's monitoring plan, with their latest value against the "
        "target trajectory: on track from 85% of the expected progress, at risk from 65%, "
        "off track below (the rule of the EU performance framework, Implementing Regulation "
        "(EU) No 215/2014, Art. 6)."
    ),
    "benchmark": N_(
        "The regions most similar to this one by structural conditions (population, economic "
        "structure, technology), the usual peers for comparison and learning (JRC/Orkestra "
        "regional benchmarking, Navarro et al. 2014). Similarity is 1/(1+d), d the weighted "
        "distance between the regions' standardised indicators."
    ),
    "review": N_(
        "The consolidated scores of the latest completed peer review of the strategy (the "
        "six steps of the RIS3 Guide, Foray et al. 2012, and the good-governance criteria of "
        "enabling condition 1.1, Regulation (EU) 2021/1060, Annex IV), scored from 1 to 5, and "
        "the region's latest self-assessment."
    ),
}

#: Column headers of the report's tables, by key.
COLUMNS = {
    "figure": N_("Key figure"),
    "figure_value": N_("Figure for the region"),
    "activity_code": N_("Activity code"),
    "activity_name": N_("Activity name"),
    "measure": N_("Value in the dataset"),
    "rca": N_("Revealed comparative advantage (RCA)"),
    "rca_low": N_("RCA, lower 95% bound"),
    "rca_high": N_("RCA, upper 95% bound"),
    "pci": N_("Activity complexity (PCI)"),
    "density": N_("Relatedness density"),
    "cog": N_("Complexity outlook gain (COG)"),
    "registry_region": N_("Region code in the registry"),
    "registry_region_name": N_("Region name in the registry"),
    "priority": N_("Declared priority"),
    "nace": N_("NACE codes of the priority"),
    "class": N_("Coherence class"),
    "specialised_share": N_("Share of codes specialised"),
    "density_percentile": N_("Best relatedness density percentile"),
    "priorities_count": N_("Number of priorities"),
    "rank": N_("Similarity rank"),
    "region_code": N_("Region code"),
    "region_name": N_("Region name"),
    "similarity": N_("Similarity score"),
    "distance": N_("Structural distance"),
    "coverage": N_("Share of indicator weight compared"),
    "strategy": N_("Strategy"),
    "indicator": N_("Indicator name"),
    "indicator_kind": N_("Indicator kind"),
    "indicator_unit": N_("Indicator unit"),
    "baseline": N_("Baseline value"),
    "latest_year": N_("Year of the latest value"),
    "latest_value": N_("Latest value"),
    "expected": N_("Expected value"),
    "achievement": N_("Achievement of the expected progress"),
    "progress_status": N_("Progress status"),
    "step": N_("RIS3 step"),
    "criterion": N_("Review criterion"),
    "mean_score": N_("Mean score"),
    "score_spread": N_("Spread of scores (standard deviation)"),
    "reviewers": N_("Number of reviewers"),
    "self_score": N_("Self-assessment score"),
    "assessment_year": N_("Year of the self-assessment"),
    "indicators_count": N_("Number of indicators"),
}

#: The notices of a region's profile (the region page's own texts).
NOTICES = {
    "missing": N_(
        "%(share)s of this region's activity cells are suppressed or confidential in the "
        "source: they are left out, never read as zero, and never recommended."
    ),
    "hidden": N_(
        "%(n)s activities rest on counts too small to tell specialisation from its absence "
        "and are not listed."
    ),
    "incomplete": N_(
        "This period is incomplete: fewer regions have data than in the other periods, so "
        "comparisons with them are unreliable."
    ),
}

#: The other sentences, table titles and chart titles of the report.
TEXT = {
    "title": N_("Region report: %(region)s"),
    "subtitle": N_("Dataset %(dataset)s, period %(period)s"),
    "figures": N_("Key figures"),
    "period": N_("Period of the evidence"),
    "total": N_("Total of the region (%(measure)s)"),
    "share": N_("Share of the dataset's total"),
    "diversity": N_("Diversity (activities with RCA above 1)"),
    "eci": N_("Economic complexity index (ECI)"),
    "eci_rank": N_("ECI rank among the regions"),
    "eci_rank_value": N_("%(rank)s of %(n)s"),
    "specialisations": N_("Top specialisations by RCA"),
    "opportunities": N_("Diversification opportunities"),
    "rca_axis": N_("Revealed comparative advantage (RCA)"),
    "activity": N_("Activity"),
    "rca_short": N_("RCA"),
    "region": N_("Region"),
    "map_top": N_("Specialisation in %(activity)s across regions (RCA)"),
    "map_top_caption": N_(
        "The region is outlined in red; the other regions are coloured by their RCA in the "
        "same activity."
    ),
    "no_data": N_("The region has no data in this period: there is no profile to show."),
    "caveats": N_("Validity caveats"),
    "no_caveats": N_("The complexity ranking of this period passes every validity check."),
    "coherence": N_("Coherence of each declared priority"),
    "coherence_counts": N_("Priorities by coherence class"),
    "coherence_chart": N_("Declared priorities by coherence class"),
    "coherence_notes": N_("Notes of the coherence analysis (as the registry states them)"),
    "no_priorities": N_(
        "No priorities are declared in the registry for %(region)s or the regions within it."
    ),
    "registry_regions": N_("Registry regions included: %(regions)s."),
    "monitoring_unavailable": N_("Monitoring is not available on this platform."),
    "no_monitoring": N_("No monitoring plan recorded for this region."),
    "monitoring_table": N_("Indicators of the monitoring plan"),
    "monitoring_counts": N_("Indicators by progress status"),
    "monitoring_chart": N_("Monitoring indicators by progress status"),
    "benchmark_table": N_("The most similar regions"),
    "benchmark_map": N_("The most similar regions on the map"),
    "benchmark_caption": N_(
        "The region is outlined in red; its peers are coloured by their similarity score."
    ),
    "benchmark_outside": N_(
        "The structural indicators cover the NUTS 2 regions of the EU-28, North Macedonia and "
        "Serbia: %(region)s is not among them, so there are no benchmark regions to show."
    ),
    "no_benchmark": N_("No structural benchmark for this region: %(reason)s"),
    "review_unavailable": N_("Peer review is not available on this platform."),
    "no_review": N_("No completed peer review or self-assessment recorded for this region."),
    "review_basis": N_(
        "%(region)s: latest completed review of the strategy %(strategy)s (%(period)s), scored "
        "by %(n)s reviewers."
    ),
    "review_steps": N_("Peer-review scores by RIS3 step"),
    "review_criteria": N_("Peer-review scores by criterion"),
    "review_chart": N_("Mean peer-review score by RIS3 step"),
    "self_assessment": N_("Latest self-assessment by RIS3 step"),
    "similarity": N_("Similarity"),
    "count": N_("Number of priorities"),
    "indicators_count": N_("Number of indicators"),
    "score_axis": N_("Mean score (1 to 5)"),
    "about": N_("About the report"),
    "generated": N_("Generated on %(date)s"),
}
