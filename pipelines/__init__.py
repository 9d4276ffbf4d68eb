"""Item pipelines: render articles and write them under the output root."""
