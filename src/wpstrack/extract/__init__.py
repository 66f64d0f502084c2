"""Rule-based extraction of activity records from official releases (see ``pipeline``)."""

from wpstrack.extract.pipeline import build_pipeline, extract_text, to_record

__all__ = ["build_pipeline", "extract_text", "to_record"]
