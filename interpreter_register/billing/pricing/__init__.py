"""The pages where a service keeps its tariffs and pay scales, each valid from a date."""
