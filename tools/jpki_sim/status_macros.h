// Small Status helpers: Debian's Abseil 20220623 has no ABSL_RETURN_IF_ERROR.
#ifndef KENSHO_TOOLS_JPKI_SIM_STATUS_MACROS_H_
#define KENSHO_TOOLS_JPKI_SIM_STATUS_MACROS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define SIM_CONCAT_INNER_(a, b) a##b
#define SIM_CONCAT_(a, b) SIM_CONCAT_INNER_(a, b)

// Returns from the current function if `expr` (an absl::Status) is not OK.
#define SIM_RETURN_IF_ERROR(expr)                    \
  do {                                               \
    ::absl::Status sim_status_ = (expr);             \
    if (!sim_status_.ok()) return sim_status_;       \
  } while (0)

// `lhs` = value of `rexpr` (an absl::StatusOr<T>), or returns its status.
#define SIM_ASSIGN_OR_RETURN(lhs, rexpr) \
  SIM_ASSIGN_OR_RETURN_IMPL_(SIM_CONCAT_(sim_statusor_, __LINE__), lhs, rexpr)
#define SIM_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, rexpr) \
  auto tmp = (rexpr);                               \
  if (!tmp.ok()) return tmp.status();               \
  lhs = std::move(tmp).value()

#endif  // KENSHO_TOOLS_JPKI_SIM_STATUS_MACROS_H_
