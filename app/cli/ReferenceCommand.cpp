// `kiqdesk-cli reference man|bash|zsh`, not listed in --help: the manual page and the shell
// completions, written from the same CLI11 tree that parses the command line, so neither can drift
// from the flags. The build runs it to make the files the .deb installs (installer/CMakeLists.txt).
#include "Commands.h"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

namespace kiq::cli {

namespace {

struct Flag {
    std::vector<std::string> spellings; // "-u", "--url"
    std::string value; // "TEXT" when it takes one, else empty
    std::string description;
    std::string section; // an option group's name ("Connection"); empty for the command's own
};

struct Node {
    std::string path; // "jobs list"; empty for the program itself
    std::string description;
    std::vector<Flag> flags;
    std::vector<std::pair<std::string, std::string>> commands; // name, description
    std::vector<std::string> positionals; // "JID", …
};

bool visible(const CLI::App* app)
{
    return !app->get_group().empty() && !app->get_name().empty();
}

bool has(const Node& node, const std::string& spelling)
{
    for (const Flag& f : node.flags)
        if (std::find(f.spellings.begin(), f.spellings.end(), spelling) != f.spellings.end()) return true;
    return false;
}

void collectFlags(const CLI::App* app, Node& node, const std::string& section = {})
{
    for (const CLI::Option* o : app->get_options()) {
        if (o->get_group().empty()) continue; // hidden
        if (!o->nonpositional()) {
            node.positionals.push_back(o->get_name(true));
            continue;
        }
        Flag f;
        for (const auto& s : o->get_snames()) f.spellings.push_back("-" + s);
        for (const auto& l : o->get_lnames()) f.spellings.push_back("--" + l);
        if (o->get_expected_min() > 0) f.value = o->get_type_name().empty() ? "VALUE" : o->get_type_name();
        f.description = o->get_description();
        f.section = section;
        // An option group's own --help is the command's.
        if (!f.spellings.empty() && has(node, f.spellings.front())) continue;
        node.flags.push_back(std::move(f));
    }
    // Option groups are nameless sub-apps: their flags belong to this command.
    for (const CLI::App* group : app->get_subcommands([](const CLI::App* a) { return a->get_name().empty(); }))
        collectFlags(group, node, group->get_group());
}

void collect(const CLI::App* app, const std::string& path, std::vector<Node>& out)
{
    Node node;
    node.path = path;
    node.description = app->get_description();
    collectFlags(app, node);
    std::vector<const CLI::App*> children = app->get_subcommands(visible);
    for (const CLI::App* c : children) node.commands.emplace_back(c->get_name(), c->get_description());
    out.push_back(std::move(node));
    for (const CLI::App* c : children) collect(c, path.empty() ? c->get_name() : path + " " + c->get_name(), out);
}

// troff: a backslash is \e, a line may not start with . or ', and option dashes are \- (so they
// copy and search as ASCII hyphens).
std::string roff(const std::string& text, bool dashes = false)
{
    std::string out;
    for (char c : text) {
        if (c == '\\')
            out += "\\e";
        else if (c == '-' && dashes)
            out += "\\-";
        else
            out += c;
    }
    if (!out.empty() && (out.front() == '.' || out.front() == '\'')) out.insert(0, "\\&");
    return out;
}

void writeFlags(const std::vector<Flag>& flags, std::ostream& out)
{
    std::string section;
    for (const Flag& f : flags) {
        if (f.section != section) {
            section = f.section;
            out << ".SS \"" << roff(section) << "\"\n";
        }
        std::string names;
        for (const auto& s : f.spellings) names += (names.empty() ? "" : ", ") + s;
        out << ".TP\n\\fB" << roff(names, true) << "\\fR";
        if (!f.value.empty()) out << " \\fI" << roff(f.value) << "\\fR";
        out << "\n" << roff(f.description) << "\n";
    }
}

void writeMan(const CLI::App& app, const std::vector<Node>& nodes, std::ostream& out)
{
    out << ".TH KIQDESK-CLI 1 \"\" \"kiqdesk-cli " KIQ_VERSION "\" \"User Commands\"\n"
        << ".SH NAME\nkiqdesk-cli \\- inspect and fix Sidekiq deployments on Redis\n"
        << ".SH SYNOPSIS\n.B kiqdesk-cli\n[\\fIOPTIONS\\fR] \\fICOMMAND\\fR [\\fICOMMAND OPTIONS\\fR]\n"
        << ".SH DESCRIPTION\nThe command line of Kiqdesk, on the same core as the desktop app "
           "(\\fBkiqdesk\\fR(1)): queues, jobs in the scheduled, retry and dead sets and bulk actions on "
           "them, Sidekiq processes, Redis ACL users, a local worker pool, the shared audit trail and "
           "undo, health checks, a Prometheus exporter and a security audit of the deployment.\n"
        << ".PP\n"
        << roff(app.get_footer()) << "\n";
    out << ".SH OPTIONS\n";
    writeFlags(nodes.front().flags, out);
    out << ".SH COMMANDS\n";
    for (std::size_t i = 1; i < nodes.size(); ++i) {
        const Node& n = nodes[i];
        out << ".SS \"" << roff(n.path);
        for (const auto& p : n.positionals) out << " " << roff(p);
        out << "\"\n" << roff(n.description) << "\n";
        if (!n.commands.empty()) {
            out << ".PP\nCommands:";
            for (std::size_t k = 0; k < n.commands.size(); ++k)
                out << (k ? ", " : " ") << "\\fB" << roff(n.commands[k].first) << "\\fR";
            out << ".\n";
        }
        std::vector<Flag> own;
        for (const Flag& f : n.flags)
            if (f.spellings != std::vector<std::string> {"--help"}) own.push_back(f);
        if (!own.empty()) {
            out << ".RS\n";
            writeFlags(own, out);
            out << ".RE\n";
        }
    }
    out << ".SH EXIT STATUS\n"
        << ".TP\n.B 0\nDone.\n"
        << ".TP\n.B 1\nBad flags or filter.\n"
        << ".TP\n.B 2\nConnection, name lookup, TLS or authentication failure.\n"
        << ".TP\n.B 3\nThe server refused (NOPERM, WRONGTYPE, OOM, a read-only replica).\n"
        << ".TP\n.B 4\nDone, but some jobs were skipped or already gone.\n"
        << ".TP\n.B 5\nThe job or process named does not exist.\n"
        << ".TP\n.B 6\n\\fBtrail verify\\fR: the audit chain is broken.\n"
        << ".TP\n.B 7\n\\fBaudit\\fR: a security control failed.\n"
        << ".TP\n.B 130\nInterrupted; a bulk operation can be resumed (\\fBjobs resume\\fR).\n"
        << ".PP\n\\fBcheck\\fR exits as Nagios plugins do: 0 ok, 1 warn, 2 critical, 3 unknown.\n"
        << ".SH ENVIRONMENT\n"
        << ".TP\n.B REDISCLI_AUTH\nThe Redis password, as redis-cli reads it (kept out of the process "
           "arguments).\n"
        << ".TP\n.B KIQDESK_KEY_PASSPHRASE\nThe passphrase of the TLS client key.\n"
        << ".SH SEE ALSO\n\\fBkiqdesk\\fR(1), \\fBredis-cli\\fR(1)\n";
}

// Shell words of a node's completions: its commands and its flags' spellings.
std::string wordsOf(const Node& n)
{
    std::string words;
    for (const auto& c : n.commands) words += (words.empty() ? "" : " ") + c.first;
    for (const Flag& f : n.flags)
        for (const auto& s : f.spellings) words += (words.empty() ? "" : " ") + s;
    return words;
}

// Spellings of every flag that takes a value, anywhere: the word after one is a value, not a command.
std::string valueFlags(const std::vector<Node>& nodes)
{
    std::vector<std::string> seen;
    for (const Node& n : nodes)
        for (const Flag& f : n.flags)
            if (!f.value.empty())
                for (const auto& s : f.spellings)
                    if (std::find(seen.begin(), seen.end(), s) == seen.end()) seen.push_back(s);
    std::string out;
    for (const auto& s : seen) out += (out.empty() ? "" : "|") + s;
    return out;
}

// The word walk both shells share, from the first word to the one before the cursor (`word` and
// `words` in that shell's terms): commands so far make the path; a flag and its value are skipped.
void writeWalk(const std::vector<Node>& nodes, const std::string& first, const std::string& last,
    const std::string& word, std::ostream& out)
{
    out << "    for ((i = " << first << "; i < " << last << "; i++)); do\n        w=" << word << "\n"
        << "        case $w in " << valueFlags(nodes) << ") ((i++)); continue ;; -*) continue ;; esac\n"
        << "        case \"$cmdpath:$w\" in\n";
    for (const Node& n : nodes)
        for (const auto& c : n.commands)
            out << "        \"" << n.path << ":" << c.first << "\") cmdpath=\""
                << (n.path.empty() ? c.first : n.path + " " + c.first) << "\" ;;\n";
    out << "        esac\n    done\n";
}

void writeBash(const std::vector<Node>& nodes, std::ostream& out)
{
    out << "# bash completion for kiqdesk-cli (written by `kiqdesk-cli reference bash`)\n"
        << "_kiqdesk_cli() {\n"
        << "    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} cmdpath= i w\n"
        << "    case $prev in " << valueFlags(nodes) << ")\n"
        << "        COMPREPLY=($(compgen -f -- \"$cur\")); return ;;\n    esac\n";
    writeWalk(nodes, "1", "COMP_CWORD", "${COMP_WORDS[i]}", out);
    out << "    local words\n    case $cmdpath in\n";
    for (const Node& n : nodes) out << "    \"" << n.path << "\") words=\"" << wordsOf(n) << "\" ;;\n";
    out << "    esac\n    COMPREPLY=($(compgen -W \"$words\" -- \"$cur\"))\n}\n"
        << "complete -F _kiqdesk_cli kiqdesk-cli\n";
}

std::string zshQuote(std::string text)
{
    std::string out;
    for (char c : text) {
        if (c == '\'')
            out += "'\\''";
        else if (c == ':')
            out += "\\:";
        else
            out += c;
    }
    return "'" + out + "'";
}

void writeZsh(const std::vector<Node>& nodes, std::ostream& out)
{
    out << "#compdef kiqdesk-cli\n# zsh completion for kiqdesk-cli (written by `kiqdesk-cli reference zsh`)\n"
        << "_kiqdesk-cli() {\n"
        << "    local prev=${words[CURRENT-1]} cmdpath= i w\n"
        << "    case $prev in " << valueFlags(nodes) << ") _files; return ;; esac\n";
    writeWalk(nodes, "2", "CURRENT", "${words[i]}", out);
    out << "    local -a commands flags\n    case $cmdpath in\n";
    for (const Node& n : nodes) {
        out << "    \"" << n.path << "\")\n        commands=(";
        for (const auto& c : n.commands) out << " " << zshQuote(c.first + ":" + c.second);
        out << " )\n        flags=(";
        for (const Flag& f : n.flags)
            for (const auto& s : f.spellings) out << " " << zshQuote(s + ":" + f.description);
        out << " ) ;;\n";
    }
    out << "    esac\n"
        << "    _describe -t commands 'command' commands\n"
        << "    _describe -t options 'option' flags\n}\n"
        << "_kiqdesk-cli \"$@\"\n";
}

} // namespace

void addReferenceCommand(CLI::App& app, int& exitCode)
{
    auto* cmd = app.add_subcommand("reference", "The manual page or a shell completion, on stdout");
    cmd->group(""); // for packagers, not listed
    auto format = std::make_shared<std::string>();
    cmd->add_option("format", *format, "man, bash or zsh")->required()->check(CLI::IsMember({"man", "bash", "zsh"}));
    cmd->callback([&app, &exitCode, format] {
        std::vector<Node> nodes;
        collect(&app, "", nodes);
        if (*format == "man")
            writeMan(app, nodes, std::cout);
        else if (*format == "bash")
            writeBash(nodes, std::cout);
        else
            writeZsh(nodes, std::cout);
        exitCode = 0;
    });
}

} // namespace kiq::cli
