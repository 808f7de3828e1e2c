#pragma once
// Saves bulk operations (spec + progress) as small JSON files in one directory, one per operation,
// written atomically (QSaveFile) after every chunk; finished operations are removed. No job data and
// no secrets go into these files: only the filter, the counts and the cursor.

#include "sidekiq/actions/BulkOperation.h"

#include <optional>
#include <string>
#include <vector>

namespace kiq::storage {

using sidekiq::BulkOperation;

class BulkCursorStore final : public sidekiq::BulkProgressStore {
public:
    // Defaults to <AppLocalDataLocation>/bulk when `directory` is empty.
    explicit BulkCursorStore(std::string directory = {});

    const std::string& directory() const { return m_directory; }
    void save(const BulkOperation& op) const override; // throws std::runtime_error if the file cannot be written
    void remove(const std::string& id) const override;
    std::optional<BulkOperation> load(const std::string& id) const;
    // Unfinished operations, optionally only those of one deployment, oldest first.
    std::vector<BulkOperation> unfinished(const std::string& deployment = {}) const;

private:
    std::string pathFor(const std::string& id) const;
    std::string m_directory;
};

} // namespace kiq::storage
