// queue clear|pause|resume NAME: what the Queues page does to a whole queue
#include "Commands.h"

#include "ExitCode.h"
#include "sidekiq/api/Queues.h"

#include <iostream>
#include <memory>

namespace kiq::cli {

void addQueueCommands(CLI::App& app, CliContext& ctx, int& exitCode)
{
    auto* queue = app.add_subcommand("queue", "Act on a whole queue: clear, pause, resume (see `queues` to list them)");
    queue->require_subcommand(1);
    auto name = std::make_shared<std::string>();
    auto yes = std::make_shared<bool>(false);

    auto* clear = queue->add_subcommand("clear", "Delete every job in the queue (kept in the undo journal first)");
    clear->add_option("queue", *name, "Queue name")->required();
    clear->add_flag("-y,--yes", *yes, "Clear without asking");
    clear->callback([&ctx, &exitCode, name, yes] {
        ctx.requireWritable();
        // A whole queue is never cleared by a question answered in passing.
        if (!*yes) {
            std::cerr << "Clear queue " << *name << "? Pass --yes to confirm.\n";
            exitCode = Usage;
            return;
        }
        const long long removed = sidekiq::clearQueue(ctx.client(), ctx.gate(), *name);
        std::cerr << countOf(removed, "job", "jobs") << " deleted from " << *name << "\n";
        exitCode = Ok;
    });

    for (const bool pause : {true, false}) {
        auto* cmd = queue->add_subcommand(pause ? "pause" : "resume",
            pause ? "Pause the queue (Kiqdesk's pool, Sidekiq Pro and Sidekiq 8.1+ stop fetching from it)"
                  : "Resume a paused queue");
        cmd->add_option("queue", *name, "Queue name")->required();
        cmd->callback([&ctx, &exitCode, name, pause] {
            ctx.requireWritable();
            sidekiq::setQueuePaused(ctx.client(), ctx.gate(), *name, pause);
            std::cerr << *name << (pause ? " is paused\n" : " is resumed\n");
            exitCode = Ok;
        });
    }
}

} // namespace kiq::cli
