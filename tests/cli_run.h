#pragma once
// Runs geodesic-cli (GEODESIC_CLI) with arguments, for the CLI tests: exit code (−1 when it crashed),
// standard output and standard error.
#include <QProcess>
#include <QStringList>

struct Run {
    int code;
    QByteArray out, err;
};

inline Run cli(const QStringList& args) {
    QProcess p;
    p.start(qEnvironmentVariable("GEODESIC_CLI"), args);
    p.waitForFinished(120000);
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, p.readAllStandardOutput(), p.readAllStandardError()};
}
