{
  "targets": [
    {
      "target_name": "block_scan",
      "sources": ["block_scan.c", "shodan_sniff.c", "sniff_fields.c", "json_skeleton.c"],
      "cflags": ["-O3"],
      "defines": ["NAPI_DISABLE_CPP_EXCEPTIONS"]
    }
  ]
}
