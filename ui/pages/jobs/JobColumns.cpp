#include "pages/jobs/JobColumns.h"

#include <QCoreApplication>

namespace kiq::ui {

QString jobColumnCaption(int column, const QString& whenCaption)
{
    switch (column) {
    case JobColumns::WhenColumn:
        return whenCaption;
    case JobColumns::QueueColumn:
        return QCoreApplication::translate("JobColumns", "Queue");
    case JobColumns::ClassColumn:
        return QCoreApplication::translate("JobColumns", "Job");
    case JobColumns::ArgsColumn:
        return QCoreApplication::translate("JobColumns", "Arguments");
    case JobColumns::ErrorColumn:
        return QCoreApplication::translate("JobColumns", "Error");
    case JobColumns::RetryCountColumn:
        return QCoreApplication::translate("JobColumns", "Retries");
    case JobColumns::JidColumn:
        return QCoreApplication::translate("JobColumns", "JID");
    }
    return {};
}

} // namespace kiq::ui
