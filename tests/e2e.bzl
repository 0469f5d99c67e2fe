"""The common shape of an end-to-end test over the real server binary."""

# What every such test links: the helpers, the server process harness, the
# API, gRPC, gtest and jpki_sim (most build their own world).
_E2E_DEPS = [
    ":e2e_util",
    ":server_process",
    "//conformance:json",
    "//proto:kensho_cc_proto",
    "//third_party:absl",
    "//third_party:grpc",
    "//third_party:gtest_main",
    "//tools/jpki_sim:world",
]

def e2e_test(name, deps = [], size = "medium", **kwargs):
    """A cc_test `name` from `name`.cc with the end-to-end deps plus `deps`."""
    native.cc_test(
        name = name,
        size = size,
        srcs = [name + ".cc"],
        deps = _E2E_DEPS + [d for d in deps if d not in _E2E_DEPS],
        **kwargs
    )
