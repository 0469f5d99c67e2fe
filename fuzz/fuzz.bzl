"""kensho_fuzzer: a libFuzzer binary and its regression test from one source."""

def kensho_fuzzer(name, srcs, deps):
    """Defines :<name> (libFuzzer, clang only: build with --config=fuzz) and
    :<name>_regression_test, which replays regressions/<name>/* with any
    toolchain (it runs in every test pass)."""
    native.cc_library(
        name = name + "_target",
        testonly = True,
        srcs = srcs,
        deps = deps,
        alwayslink = 1,
    )
    native.cc_binary(
        name = name,
        testonly = True,
        linkopts = ["-fsanitize=fuzzer"],
        tags = ["manual"],
        deps = [":" + name + "_target"],
    )
    native.cc_test(
        name = name + "_regression_test",
        size = "small",
        srcs = ["regression_main.cc"],
        args = ["fuzz/regressions/" + name],
        data = native.glob(["regressions/" + name + "/**"]),
        deps = [
            ":" + name + "_target",
            "//third_party:gtest",
        ],
    )
