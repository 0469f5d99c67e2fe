// The two status macros Debian's Abseil 20220623 lacks.
#ifndef KENSHO_BASE_STATUS_MACROS_H_
#define KENSHO_BASE_STATUS_MACROS_H_

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

// Returns from the calling function when `expr` (an absl::Status) is not OK.
#define KENSHO_RETURN_IF_ERROR(expr)               \
  do {                                             \
    ::absl::Status kensho_status_ = (expr);        \
    if (!kensho_status_.ok()) return kensho_status_; \
  } while (0)

#define KENSHO_CONCAT_INNER_(a, b) a##b
#define KENSHO_CONCAT_(a, b) KENSHO_CONCAT_INNER_(a, b)

// `lhs = value of expr` (an absl::StatusOr<T>), or returns its status.
#define KENSHO_ASSIGN_OR_RETURN(lhs, expr) \
  KENSHO_ASSIGN_OR_RETURN_IMPL_(KENSHO_CONCAT_(kensho_statusor_, __LINE__), lhs, expr)

#define KENSHO_ASSIGN_OR_RETURN_IMPL_(var, lhs, expr) \
  auto var = (expr);                                  \
  if (!var.ok()) return std::move(var).status();      \
  lhs = std::move(var).value()

#endif  // KENSHO_BASE_STATUS_MACROS_H_
