#pragma once
// Reads a .tar.gz back (libarchive), as a person unpacking an incident snapshot would.

#include <QString>

#include <map>
#include <string>

namespace kiq::test {

struct ArchiveContents {
    std::string folder; // the top folder every entry sits in
    std::map<std::string, std::string> files; // by path below that folder
};

// Empty when the file is not a readable .tar.gz.
ArchiveContents readTarGz(const QString& path);

} // namespace kiq::test
