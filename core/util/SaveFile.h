#pragma once
// Writes a whole file all or nothing (QSaveFile: a temporary renamed over the old one), so an export
// interrupted halfway never leaves a truncated file where a good one was. Blocking: call it off the
// GUI thread.

#include <QByteArray>
#include <QString>

namespace kiq::util {

// Empty on success, else why not (the file system's words).
QString saveFile(const QString& path, const QByteArray& bytes);

} // namespace kiq::util
