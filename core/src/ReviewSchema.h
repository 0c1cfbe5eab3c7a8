#pragma once

// Internal: the review store's schema, as numbered migrations. Entry n
// brings a store from version n to n + 1; a migration that has shipped is
// never edited, a new one is appended.

namespace vigie::core::review {

/// The version the migrations lead to.
int schemaVersion();
/// The SQL that brings a store from `fromVersion` to `fromVersion + 1`.
const char* migration(int fromVersion);

}  // namespace vigie::core::review
