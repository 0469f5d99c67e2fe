"""Link flags for Debian's system libraries, generated once from pkg-config.

Bazel has no pkg-config. Every library must name everything it uses; the
lists were made with:
  pkg-config --libs grpc++ protobuf
  pkg-config --libs absl_flags_parse
  pkg-config --libs yaml-cpp

gRPC, protobuf, Abseil and their helpers (re2, upb, c-ares, address_sorting)
come from Debian's static archives (lib*.a, in the same -dev packages), not
from the shared libraries: a unary call crosses these libraries dozens of
times, and each crossing of a shared library is an indirect call through
the PLT plus, for their thread-locals, a __tls_get_addr call. Linked in, the
server spent 19% less CPU per unary call, 9% less per stream item and 5% less
per batch item (bench/ab.sh; README, Benchmarks). Each list is one linker
group, so that the archives' order does not matter. OpenSSL, zlib and the C
runtime stay shared: libcurl and librocksdb load them too, and two copies of
a library in one process would each keep their own globals.

--config=tsan links the shared libraries instead (--define=system_libs=shared,
see //third_party:shared_system_libs): its absl::Mutex wrappers
(fuzz/tsan) must see only kensho's own calls; wrapping gRPC's too misreports
its condition-variable waits as double locks.
"""

def _archives(names):
    return ["-Wl,--start-group"] + ["-l:lib%s.a" % n for n in names] + ["-Wl,--end-group"]

def _shared(names):
    return ["-l" + n for n in names]

def _either(names):
    return select({
        "//third_party:shared_system_libs": _shared(names),
        "//conditions:default": _archives(names),
    }) + _SHARED_DEPS

# The shared libraries the archives above need.
_SHARED_DEPS = [
    "-lssl",
    "-lcrypto",
    "-lz",
    "-Wl,--push-state,--as-needed",
    "-latomic",
    "-Wl,--pop-state",
    "-lrt",
    "-ldl",
    "-lpthread",
]

_GRPC_PROTOBUF_ARCHIVES = [
    "grpc++",
    "grpc",
    "address_sorting",
    "re2",
    "upb",
    "cares",
    "gpr",
    "absl_throw_delegate",
    "absl_raw_logging_internal",
    "absl_raw_hash_set",
    "absl_hashtablez_sampler",
    "absl_hash",
    "absl_city",
    "absl_low_level_hash",
    "absl_random_distributions",
    "absl_random_seed_sequences",
    "absl_random_internal_pool_urbg",
    "absl_random_internal_randen",
    "absl_random_internal_randen_hwaes",
    "absl_random_internal_randen_hwaes_impl",
    "absl_random_internal_randen_slow",
    "absl_random_internal_platform",
    "absl_random_internal_seed_material",
    "absl_random_seed_gen_exception",
    "absl_statusor",
    "absl_status",
    "absl_cord",
    "absl_cordz_info",
    "absl_cord_internal",
    "absl_cordz_functions",
    "absl_exponential_biased",
    "absl_cordz_handle",
    "absl_bad_optional_access",
    "absl_strerror",
    "absl_str_format_internal",
    "absl_synchronization",
    "absl_graphcycles_internal",
    "absl_stacktrace",
    "absl_symbolize",
    "absl_debugging_internal",
    "absl_demangle_internal",
    "absl_malloc_internal",
    "absl_time",
    "absl_civil_time",
    "absl_strings",
    "absl_strings_internal",
    "absl_base",
    "absl_spinlock_wait",
    "absl_int128",
    "absl_time_zone",
    "absl_bad_variant_access",
    "absl_log_severity",
    "protobuf",
]

# absl_flags_parse needs these and the Abseil archives above.
_ABSL_FLAGS_ARCHIVES = [
    "absl_flags_parse",
    "absl_flags_usage",
    "absl_flags_usage_internal",
    "absl_flags_internal",
    "absl_flags_marshalling",
    "absl_flags_reflection",
    "absl_flags_private_handle_accessor",
    "absl_flags_commandlineflag",
    "absl_flags_commandlineflag_internal",
    "absl_flags_config",
    "absl_flags_program_name",
] + _GRPC_PROTOBUF_ARCHIVES

GRPC_PROTOBUF_LINKOPTS = _either(_GRPC_PROTOBUF_ARCHIVES)

GRPC_REFLECTION_LINKOPTS = _either(["grpc++_reflection"] + _GRPC_PROTOBUF_ARCHIVES)

ABSL_FLAGS_LINKOPTS = _either(_ABSL_FLAGS_ARCHIVES)

YAML_CPP_LINKOPTS = ["-lyaml-cpp"]
