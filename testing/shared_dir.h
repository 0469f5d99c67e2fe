// Locates ../shared (conformance suites, real JPKI roots) from a Bazel test.
#ifndef KENSHO_TESTING_SHARED_DIR_H_
#define KENSHO_TESTING_SHARED_DIR_H_

#include <string>

namespace kensho::testing {

// $KENSHO_SHARED if set, else the `shared` folder beside the workspace,
// found by resolving the //:README.md runfile to the source tree.
// Empty when neither exists.
std::string SharedDir();

// The workspace (source tree) root, found the same way.
std::string WorkspaceDir();

}  // namespace kensho::testing

#endif  // KENSHO_TESTING_SHARED_DIR_H_
