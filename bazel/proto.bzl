"""C++ code generation for .proto files with Debian's protoc and grpc_cpp_plugin.

A genrule keeps this independent of rules_proto, which Bazel 4.2.3 would
download. Well-known types come from /usr/include (libprotobuf-dev).
"""

def _outs(base, grpc):
    outs = [base + ".pb.h", base + ".pb.cc"]
    if grpc:
        outs += [base + ".grpc.pb.h", base + ".grpc.pb.cc"]
    return outs

def _protoc(include, out_root, grpc):
    cmd = "protoc -I%s -I/usr/include --cpp_out=%s" % (include, out_root)
    if grpc:
        cmd += " --grpc_out=%s --plugin=protoc-gen-grpc=/usr/bin/grpc_cpp_plugin" % out_root
    return cmd

def kensho_cc_proto(name, src, grpc = False, deps = [], visibility = None):
    """cc_library `name` with the generated code for `src`, a .proto in this package.

    Include the result as "<package>/<file>.pb.h".
    """
    outs = _outs(src[:-len(".proto")], grpc)
    native.genrule(
        name = name + "_gen",
        srcs = [src],
        outs = outs,
        cmd = _protoc(".", "$(GENDIR)", grpc) + " $(location %s)" % src,
    )
    native.cc_library(
        name = name,
        srcs = [o for o in outs if o.endswith(".cc")],
        hdrs = [o for o in outs if o.endswith(".h")],
        deps = deps + ["//third_party:protobuf"] + (["//third_party:grpc"] if grpc else []),
        visibility = visibility,
    )

def grpc_system_cc_proto(name, path, visibility = None):
    """cc_library for a .proto of Debian's grpc-proto, e.g. "grpc/health/v1/health.proto".

    Include the result by that path: "grpc/health/v1/health.grpc.pb.h".
    """
    outs = _outs(path[:-len(".proto")], True)
    out_root = "$(GENDIR)/" + native.package_name()
    native.genrule(
        name = name + "_gen",
        srcs = [],
        outs = outs,
        cmd = _protoc("/usr/share/grpc-proto", out_root, True) + " /usr/share/grpc-proto/" + path,
    )
    native.cc_library(
        name = name,
        srcs = [o for o in outs if o.endswith(".cc")],
        hdrs = [o for o in outs if o.endswith(".h")],
        includes = ["."],
        deps = ["//third_party:protobuf", "//third_party:grpc"],
        visibility = visibility,
    )
