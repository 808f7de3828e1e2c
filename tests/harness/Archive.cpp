#include "harness/Archive.h"

#include <archive.h>
#include <archive_entry.h>

namespace kiq::test {

ArchiveContents readTarGz(const QString& path)
{
    ArchiveContents out;
    archive* a = archive_read_new();
    archive_read_support_filter_gzip(a);
    archive_read_support_format_tar(a);
    if (archive_read_open_filename(a, path.toLocal8Bit().constData(), 1 << 16) == ARCHIVE_OK) {
        archive_entry* e = nullptr;
        while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
            const std::string name = archive_entry_pathname(e);
            const auto slash = name.find('/');
            out.folder = name.substr(0, slash);
            std::string bytes(static_cast<std::size_t>(archive_entry_size(e)), '\0');
            archive_read_data(a, bytes.data(), bytes.size());
            out.files[slash == std::string::npos ? name : name.substr(slash + 1)] = std::move(bytes);
        }
    }
    archive_read_free(a);
    return out;
}

} // namespace kiq::test
