"""Reads Prometheus text format on stdin with the Prometheus project's own parser (Debian's
python3-prometheus-client) and prints the metric families as JSON, for NodeMetricsTest."""
import json
import sys

from prometheus_client.parser import text_string_to_metric_families

families = [
    {
        "name": f.name,
        "type": f.type,
        "help": f.documentation,
        "samples": [{"name": s.name, "labels": s.labels, "value": s.value} for s in f.samples],
    }
    for f in text_string_to_metric_families(sys.stdin.read())
]
json.dump(families, sys.stdout)
