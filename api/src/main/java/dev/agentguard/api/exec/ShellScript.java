package dev.agentguard.api.exec;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Splits a POSIX shell script (what {@code sh -c} or {@code bash -c} gets, or a
 * line typed into a shell) into the simple commands it would run, so each can be
 * checked against policy.
 *
 * <p>Followed: the separators {@code ; & && || |} and newlines; subshells and
 * groups {@code ( )} and {@code { }}; the compound commands {@code if},
 * {@code while}, {@code until}, {@code for}, {@code select} and {@code case},
 * whose reserved words and headers are not commands but whose bodies are, and
 * function definitions, whose bodies are checked whether or not they are
 * called; command substitution {@code $( )} and
 * backticks, whose commands are checked too; single quotes, double quotes,
 * backslash escapes, and bash's {@code $'...'} and {@code $"..."} (a script
 * using {@code $'...'} is also read as dash reads it, which has no such quote,
 * and the commands of both readings are checked); leading {@code NAME=value}
 * assignments; redirections
 * ({@code > >> < 2>&1 &> <<<}); comments; and the {@code exec}, {@code command},
 * {@code env}, {@code nohup}, {@code time}, {@code xargs} and similar wrappers, whose
 * wrapped command is reported as well.
 *
 * <p>Not followed (the caller should treat it as opaque): expansions (a program
 * name taken from a variable or a substitution, {@code $CMD}, {@code pg$X},
 * {@code $(echo pg_dump)}, or made by brace or pathname expansion,
 * {@code {pg_dump,db}}, {@code /usr/bin/pg_du?p}), aliases (what a defined alias
 * holds is checked, what it will hide is not), {@code eval}, {@code source},
 * scripts a shell reads from a file or a pipe, code the shell runs later
 * ({@code PS1}, {@code PROMPT_COMMAND}, {@code BASH_ENV}; {@code trap} actions are
 * checked), and here-document bodies. {@link #opaque()} reports when the script
 * uses them, so a policy can refuse such scripts.
 */
public final class ShellScript {

    /** Programs that run their arguments as a command. */
    private static final Set<String> WRAPPERS = Set.of("exec", "command", "builtin", "env", "nohup", "time", "nice",
            "timeout", "xargs", "sudo", "doas", "stdbuf", "setsid", "chroot", "busybox", "watch", "strace");
    /**
     * Wrapper options that take a value: {@code sudo -u postgres cmd} wraps {@code cmd}. The value
     * taken for the program hides the program after it, so long forms ({@code --user postgres}) count.
     */
    private static final Map<String, Set<String>> OPTIONS_WITH_VALUES = Map.ofEntries(
            Map.entry("sudo", Set.of("-u", "-g", "-C", "-h", "-p", "-U", "-r", "-t", "-D", "-R", "-T", "--user",
                    "--group", "--close-from", "--host", "--prompt", "--other-user", "--role", "--type", "--chdir",
                    "--chroot", "--command-timeout")),
            Map.entry("env", Set.of("-u", "-C", "-S", "--unset", "--chdir", "--split-string")),
            Map.entry("timeout", Set.of("-s", "-k", "--signal", "--kill-after")),
            Map.entry("nice", Set.of("-n", "--adjustment")),
            Map.entry("xargs", Set.of("-n", "-I", "-L", "-P", "-s", "-d", "-E", "-a", "--max-args", "--max-lines",
                    "--max-procs", "--max-chars", "--delimiter", "--arg-file", "--process-slot-var")),
            Map.entry("stdbuf", Set.of("-i", "-o", "-e", "--input", "--output", "--error")),
            // watch -d takes no value: --differences[=permanent] only attached.
            Map.entry("watch", Set.of("-n", "--interval", "-q", "--equexit")),
            Map.entry("strace", Set.of("-o", "-e", "-p", "-s", "-u", "-a", "-b", "-E", "-I", "-O", "-P", "-S", "-X")),
            Map.entry("exec", Set.of("-a")),
            // The time program (dash, env time, command time); bash's time keyword only has -p.
            Map.entry("time", Set.of("-f", "-o", "--format", "--output")));
    /** Operands a wrapper takes before the command: timeout DURATION cmd, chroot NEWROOT cmd. */
    private static final Map<String, Integer> OPERANDS = Map.of("timeout", 1, "chroot", 1);
    private static final Set<String> SHELLS = Set.of("sh", "bash", "dash", "ash", "zsh", "ksh", "mksh");
    /** Reserved words that lead into a command where one starts: the word after them is the program. */
    private static final Set<String> LEADING_WORDS = Set.of("if", "then", "else", "elif", "while", "until", "do", "!",
            "coproc");
    /** Reserved words that close a compound command; {@code esac} also ends a case. */
    private static final Set<String> CLOSING_WORDS = Set.of("fi", "done");
    private static final int MAX_DEPTH = 16;
    /** Variables whose value the shell runs later: prompts, PROMPT_COMMAND, the startup files of new shells. */
    private static final Pattern CODE_VARIABLE = Pattern.compile(
            "(PS[0-4]|PROMPT_COMMAND|BASH_ENV|ENV)(\\[.*])?\\+?=.*", Pattern.DOTALL);
    private static final Pattern ASSIGNMENT = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\[.*])?\\+?=.*", Pattern.DOTALL);

    private final List<SimpleCommand> commands;
    private final boolean opaque;

    private ShellScript(List<SimpleCommand> commands, boolean opaque) {
        this.commands = List.copyOf(commands);
        this.opaque = opaque;
    }

    public static ShellScript parse(String script) {
        return parse(script, true, 0);
    }

    /**
     * @param stdinChecked whether what the script's own stdin carries is checked line by line, as a line
     *     typed into a session is; a shell given a -c script reads stdin that is not
     * @param depth how deep in scripts run by other commands (sh -c, eval, watch) this one is
     */
    private static ShellScript parse(String text, boolean stdinChecked, int depth) {
        // bash and dash drop NUL bytes from what they read: pg_<NUL>dump on stdin runs pg_dump. (An argv,
        // sh -c's script included, cannot hold one.)
        String script = text.replace("\0", "");
        Parser parser = new Parser(script, 0, 0, false, Context.SCRIPT, new HashMap<>());
        parser.parse();
        List<SimpleCommand> found = new ArrayList<>(parser.commands);
        boolean opaque = parser.opaque;
        if (script.contains("$'")) {
            // dash has no $'...': to it $'a\' is $ and the quoted a\, so the quotes after it pair up another
            // way and other text is commands. sh may be either shell; what either would run is checked.
            Parser dash = new Parser(script, 0, 0, true, Context.SCRIPT, new HashMap<>());
            dash.parseUpToAnError();
            Set<SimpleCommand> seen = new HashSet<>(found);
            dash.commands.stream().filter(seen::add).forEach(found::add);
            parser.feedsStdin |= dash.feedsStdin;
            opaque |= dash.opaque;
        }
        List<SimpleCommand> expanded = new ArrayList<>();
        for (SimpleCommand command : found) {
            opaque |= expand(command, expanded, depth, stdinChecked && !parser.feedsStdin);
        }
        return new ShellScript(expanded, opaque);
    }

    /**
     * The commands of an exec request's argv: the argv itself, and when it is a
     * shell given a script ({@code sh -c '...'}), the script's commands too.
     */
    public static ShellScript ofArgv(List<String> argv) {
        if (argv.isEmpty()) {
            return new ShellScript(List.of(), false);
        }
        List<SimpleCommand> expanded = new ArrayList<>();
        // The session checks the stdin of a shell that reads commands from it (readsCommandsFromStdin).
        boolean opaque = expand(new SimpleCommand(argv), expanded, 0, true);
        return new ShellScript(expanded, opaque);
    }

    /**
     * Whether the command is a shell that reads its commands from stdin
     * ({@code sh}, {@code bash -s}, {@code sh -i}, {@code env sh}): no {@code -c} script and
     * no script file. Such stdin is checked line by line; other programs' stdin is data.
     */
    public static boolean readsCommandsFromStdin(List<String> argv) {
        if (argv.isEmpty()) {
            return false;
        }
        String program = new SimpleCommand(argv).program();
        List<String> args = argv.subList(1, argv.size());
        if (WRAPPERS.contains(program) && !program.equals("xargs")) {
            // sudo sh and env sh read the session's stdin as much as sh does; xargs makes arguments of it.
            return readsCommandsFromStdin(stripWrapperOptions(program, args));
        }
        if (!SHELLS.contains(program)) {
            return false;
        }
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("-s")) {
                return true; // the rest are positional parameters
            }
            if (arg.equals("--")) {
                return i == args.size() - 1;
            }
            if (arg.matches("[-+][oO]")) {
                i++; // set -o pipefail, shopt -O extglob: the option's name is no script file
                continue;
            }
            if (!arg.startsWith("-") && !arg.startsWith("+")) {
                return false; // a script file
            }
            if (flags(arg, 'c')) {
                return false;
            }
        }
        return true;
    }

    /** Every simple command, including those inside substitutions and wrappers, in order. */
    public List<SimpleCommand> commands() {
        return commands;
    }

    /** True when the script uses constructs whose commands cannot be known statically. */
    public boolean opaque() {
        return opaque;
    }

    /**
     * Adds the command and whatever it wraps; returns whether anything was opaque.
     *
     * @param stdinChecked whether the command's stdin, should it be a shell reading commands from
     *     there, is checked line by line
     */
    private static boolean expand(SimpleCommand command, List<SimpleCommand> into, int depth,
            boolean stdinChecked) {
        into.add(command);
        if (depth >= MAX_DEPTH) {
            return true;
        }
        String program = command.program();
        List<String> args = command.arguments();
        String name = command.argv().get(0);
        if (computed(name) || expanded(name) || program.equals("source") || program.equals(".")) {
            return true;
        }
        if (program.equals("eval")) {
            // eval runs its arguments joined as a script: that much is checked, but what they expand to when
            // it runs is not known, so it stays opaque.
            try {
                parse(String.join(" ", args), false, depth + 1).commands.forEach(into::add);
            } catch (ShellSyntaxException e) {
                // The shell refuses it when eval runs, and goes on with the script.
            }
            return true;
        }
        if (SHELLS.contains(program)) {
            int script = commandString(args);
            if (script >= 0) {
                // The session treats the stdin of sh -c as data: a shell in the script reading it is opaque.
                ShellScript inner = parse(args.get(script), false, depth + 1);
                inner.commands.forEach(into::add);
                return inner.opaque;
            }
            // A script file runs unseen, like source; commands from stdin are seen only if that is checked:
            // echo pg_dump db | sh and sh < file are not.
            return !readsCommandsFromStdin(command.argv()) || !stdinChecked;
        }
        if (program.equals("alias") || program.equals("trap")) {
            return laterCode(program, args, into, depth);
        }
        if (program.equals("hash") && args.stream().anyMatch(a -> flags(a, 'p'))
                || program.equals("enable") && args.stream().anyMatch(a -> flags(a, 'f'))) {
            return true; // hash -p /usr/bin/pg_dump ls makes ls run pg_dump; enable -f loads a builtin
        }
        if (program.equals("find")) {
            return findExec(args, into, depth, stdinChecked);
        }
        String splitString = program.equals("env") ? envSplitString(args) : null;
        if (splitString != null) {
            // env -S 'pg_dump db' splits the string into the command, as a shell would.
            ShellScript inner = parse(splitString, false, depth + 1);
            inner.commands.forEach(into::add);
            return inner.opaque;
        }
        if (program.equals("watch")) {
            // watch runs its arguments joined as a sh -c script: watch 'pg_dump db' runs pg_dump.
            ShellScript inner = parse(String.join(" ", stripWrapperOptions(program, args)), false, depth + 1);
            inner.commands.forEach(into::add);
            return inner.opaque;
        }
        if (WRAPPERS.contains(program)) {
            List<String> wrapped = stripWrapperOptions(program, args);
            String replaced = program.equals("xargs") ? xargsReplaceString(args) : null;
            if (replaced != null) {
                // What xargs -I puts in comes from its input: xargs -I{} sh -c {} runs whatever it reads.
                wrapped = wrapped.stream().map(w -> w.replace(replaced, "${xargs}")).toList();
            }
            if (!wrapped.isEmpty()) {
                return expand(new SimpleCommand(wrapped), into, depth + 1, stdinChecked);
            }
        }
        return false;
    }

    /**
     * Where a shell's -c script is: -c is a flag, among the others in any order (-ec, -c -e), and the
     * script is the first operand after them all; sh -c -e 'pg_dump db' and bash -c -- 'pg_dump db' run
     * pg_dump. -1 without -c or without an operand.
     */
    private static int commandString(List<String> args) {
        boolean dashC = false;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("--")) {
                return dashC && i + 1 < args.size() ? i + 1 : -1;
            }
            if (arg.matches("[-+][oO]") || arg.equals("--rcfile") || arg.equals("--init-file")) {
                i++; // the option's value
            } else if (flags(arg, 'c')) {
                dashC = true;
            } else if (!arg.startsWith("-") && !arg.startsWith("+")) {
                return dashC ? i : -1;
            }
        }
        return -1;
    }

    /**
     * Whether a program name is only known when the script runs: it has a variable or a substitution
     * anywhere in it, as words keep those as written. pg${X}_dump and "$(echo pg_dump)" run pg_dump.
     */
    private static boolean computed(String name) {
        return name.indexOf('$') >= 0 || name.indexOf('`') >= 0;
    }

    /**
     * Whether the shell makes other words of a program name: brace expansion ({pg_dump,db} runs pg_dump
     * db, as does pg_{dump,x} db) or a pathname pattern (/usr/bin/pg_du?p). Quoting is no longer known
     * here, so a quoted one counts too, the cautious way; a lone [ is the test command.
     */
    private static boolean expanded(String name) {
        int bracket = name.indexOf('[');
        if (name.indexOf('*') >= 0 || name.indexOf('?') >= 0 || bracket >= 0 && name.indexOf(']', bracket + 2) > 0) {
            return true;
        }
        // A { and then a , or .. and then a }: {a,b}, x{1..3}. One pass, as a regular expression with
        // backtracking takes time quadratic in a long word.
        boolean open = false;
        boolean list = false;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '}' && list) {
                return true;
            }
            open |= c == '{';
            list |= open && (c == ',' || name.startsWith("..", i));
        }
        return false;
    }

    /** Whether the word is short flags with {@code flag} among them (-c, -ec), checked in one pass too. */
    private static boolean flags(String arg, char flag) {
        return arg.length() > 1 && arg.charAt(0) == '-' && arg.indexOf(flag) > 0
                && arg.chars().skip(1).allMatch(c -> c < 128 && Character.isLetter(c));
    }

    /**
     * find -exec, -execdir, -ok and -okdir run the command up to ; or +, a found path for {}: find / -name
     * pg_dump -exec {} db \; runs pg_dump, so {} is a computed word.
     */
    private static boolean findExec(List<String> args, List<SimpleCommand> into, int depth,
            boolean stdinChecked) {
        boolean opaque = false;
        for (int i = 0; i < args.size(); i++) {
            if (!args.get(i).matches("-(exec|execdir|ok|okdir)")) {
                continue;
            }
            int end = i + 1;
            while (end < args.size() && !args.get(end).equals(";") && !args.get(end).equals("+")) {
                end++;
            }
            List<String> command = args.subList(i + 1, end).stream().map(a -> a.replace("{}", "${find}")).toList();
            if (!command.isEmpty()) {
                opaque |= expand(new SimpleCommand(command), into, depth + 1, stdinChecked);
            }
            i = end;
        }
        return opaque;
    }

    /** env -S STRING ARGS runs STRING split into words, then ARGS: that command line, or null without -S. */
    private static String envSplitString(List<String> args) {
        for (int i = 0; i < args.size() && args.get(i).startsWith("-") && !args.get(i).equals("--"); i++) {
            String arg = args.get(i);
            String value = null;
            if ((arg.equals("-S") || arg.equals("--split-string")) && i + 1 < args.size()) {
                value = args.get(++i);
            } else if (arg.startsWith("--split-string=")) {
                value = arg.substring("--split-string=".length());
            } else if (arg.startsWith("-S")) {
                value = arg.substring(2);
            }
            if (value != null) {
                List<String> line = new ArrayList<>(List.of(value));
                line.addAll(args.subList(i + 1, args.size()));
                return String.join(" ", line);
            }
        }
        return null;
    }

    /** The string xargs -I R (-iR, -i, --replace[=R]) replaces with what it reads, or null. */
    private static String xargsReplaceString(List<String> args) {
        for (int i = 0; i < args.size() && args.get(i).startsWith("-"); i++) {
            String arg = args.get(i);
            if (arg.equals("-I") && i + 1 < args.size()) {
                return args.get(i + 1);
            }
            if (arg.startsWith("-I") || arg.startsWith("-i")) {
                return arg.length() > 2 ? arg.substring(2) : "{}";
            }
            if (arg.startsWith("--replace")) {
                return arg.startsWith("--replace=") ? arg.substring("--replace=".length()) : "{}";
            }
            if (OPTIONS_WITH_VALUES.get("xargs").contains(arg)) {
                i++;
            }
        }
        return null;
    }

    /**
     * alias and trap take code the shell runs later: trap 'pg_dump db' EXIT, and alias x=pg_dump before
     * x db. The code is checked now. An alias also hides what a later word runs (alias s='sudo ', then
     * s pg_dump), so a script defining one is opaque.
     */
    private static boolean laterCode(String program, List<String> args, List<SimpleCommand> into, int depth) {
        List<String> code = new ArrayList<>();
        if (program.equals("alias")) {
            args.stream().filter(a -> a.indexOf('=') > 0).forEach(a -> code.add(a.substring(a.indexOf('=') + 1)));
        } else {
            // trap [--] ACTION SIGNAL...; trap -p, trap -l list; an action of - resets.
            List<String> operands = args.isEmpty() || !args.get(0).equals("--") ? args : args.subList(1, args.size());
            if (operands.size() > 1 && !operands.get(0).startsWith("-")) {
                code.add(operands.get(0));
            }
        }
        boolean opaque = program.equals("alias") && !code.isEmpty();
        for (String later : code) {
            ShellScript inner = parse(later, false, depth + 1);
            inner.commands.forEach(into::add);
            opaque |= inner.opaque;
        }
        return opaque;
    }

    /** Drops the wrapper's own options and assignments: {@code env -i A=1 cmd} wraps {@code cmd}. */
    private static List<String> stripWrapperOptions(String wrapper, List<String> args) {
        Set<String> withValues = OPTIONS_WITH_VALUES.getOrDefault(wrapper, Set.of());
        int operands = OPERANDS.getOrDefault(wrapper, 0);
        int i = 0;
        while (i < args.size()) {
            String arg = args.get(i);
            if (arg.equals("--")) {
                i++;
                break;
            }
            if (withValues.contains(arg)) {
                i += 2;
                continue;
            }
            // env, sudo and the like take every word with an = for a variable: env 'a b=c' cmd runs cmd.
            // Where operands come first, such a word is one of them.
            if (arg.startsWith("-") || operands == 0 && arg.contains("=")
                    || wrapper.equals("nice") && arg.matches("-?[0-9]+")) {
                i++;
                continue;
            }
            break;
        }
        // The operands follow the options: timeout -s KILL 5 cmd, where 5 was taken for the program.
        return args.subList(Math.min(args.size(), i + operands), args.size());
    }

    /**
     * The command in backquotes: there a backslash quotes only $ ` and \ (and " within double quotes), and
     * those backslashes go before the command is read, so `echo \`pg_dump\`` runs pg_dump.
     */
    private static String backquoted(String content, boolean inDoubleQuotes) {
        String quotable = inDoubleQuotes ? "$`\\\"" : "$`\\";
        StringBuilder command = new StringBuilder();
        for (int i = 0; i < content.length(); i++) {
            char c = content.charAt(i);
            if (c == '\\' && i + 1 < content.length() && quotable.indexOf(content.charAt(i + 1)) >= 0) {
                c = content.charAt(++i);
            }
            command.append(c);
        }
        return command.toString();
    }

    /** Decodes the backslash escapes of bash's {@code $'...'} as bash does. */
    private static String ansiC(String quoted) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < quoted.length()) {
            char c = quoted.charAt(i++);
            if (c == '\\' && i < quoted.length()) {
                i = ansiCEscape(quoted, i, out);
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** Appends the escape whose letter is at {@code i}; returns the index after it. */
    private static int ansiCEscape(String quoted, int i, StringBuilder out) {
        char letter = quoted.charAt(i);
        int simple = "abeEfnrtv\\'\"?".indexOf(letter);
        if (simple >= 0) {
            out.append("\007\b\033\033\f\n\r\t\013\\'\"?".charAt(simple));
            return i + 1;
        }
        return switch (letter) {
            case 'x' -> number(quoted, i + 1, 2, 16, out);
            case 'u' -> number(quoted, i + 1, 4, 16, out);
            case 'U' -> number(quoted, i + 1, 8, 16, out);
            case 'c' -> control(quoted, i + 1, out);
            default -> {
                if (letter >= '0' && letter <= '7') {
                    yield number(quoted, i, 3, 8, out);
                }
                out.append('\\').append(letter); // not an escape: both characters stay
                yield i + 1;
            }
        };
    }

    /** Up to {@code max} digits as one character; with none, the escape stays as written ({@code \x}). */
    private static int number(String quoted, int from, int max, int radix, StringBuilder out) {
        int end = from;
        int value = 0;
        while (end < quoted.length() && end - from < max && Character.digit(quoted.charAt(end), radix) >= 0) {
            value = value * radix + Character.digit(quoted.charAt(end), radix);
            end++;
        }
        if (end == from) {
            out.append('\\').append(quoted.charAt(from - 1));
        } else {
            out.appendCodePoint(Character.isValidCodePoint(value) ? value : 0xFFFD);
        }
        return end;
    }

    /** {@code \cX} is control-X; {@code \c\\} takes both backslashes. */
    private static int control(String quoted, int at, StringBuilder out) {
        if (at >= quoted.length()) {
            out.append("\\c");
            return at;
        }
        char x = quoted.charAt(at);
        out.append((char) (x == '?' ? 0x7f : Character.toUpperCase(x) & 0x1f));
        return x == '\\' && at + 1 < quoted.length() && quoted.charAt(at + 1) == '\\' ? at + 2 : at + 1;
    }

    /** What a parser reads, and so what ends it. */
    private enum Context {
        /** A whole script: up to the end of the text. */
        SCRIPT,
        /** The commands of $( ), up to the ) that closes it. */
        SUBSTITUTION,
        /** The expression of $(( )), up to the first of its )). */
        ARITHMETIC,
        /** The inside of ${ }, up to its }. */
        PARAMETER,
        /** The body of an unquoted here-document, where only substitutions run. */
        HEREDOC
    }

    /** A small recursive-descent tokenizer for the shell grammar's command level. */
    private static final class Parser {

        private final String text;
        private final int depth;
        /** Reads as dash does, which has no $'...'. */
        private final boolean posix;
        private final Context context;
        /**
         * The inner parses of this text by start, context and depth, shared by its parsers so each is done
         * once: $(( is read as arithmetic and, failing that, again as $(, and nested, the retries would
         * multiply.
         */
        private final Map<Long, Parser> inner;
        /** Why this parser's text is not a script, when it is not. */
        private ShellSyntaxException failure;
        private int pos;
        private final List<SimpleCommand> commands = new ArrayList<>();
        /**
         * The script has a pipe or a < redirection, so some command's stdin is not the script's: a shell
         * reading commands there, echo pg_dump db | sh, is opaque. Which commands a pipe feeds is not
         * worked out (into a while loop, all of its body), so this holds for the whole script.
         */
        private boolean feedsStdin;
        private boolean opaque;
        private final List<String> words = new ArrayList<>();
        private final StringBuilder word = new StringBuilder();
        private boolean inWord;
        /** The word being read has a quoted or escaped part, so it is no reserved word: 'if' is a program. */
        private boolean quoted;
        private boolean redirectTarget;
        /**
         * The command has an assignment or redirection before any word: what follows is never a reserved
         * word. X=1 case a in ... runs a program named case, and the lines after it are commands.
         */
        private boolean prefixed;
        private Header header = Header.NONE;
        /** Case commands open, in which ;; ends an item and a pattern follows. */
        private int cases;
        /** Reading a case pattern, whose words are not a command, up to its ). */
        private boolean pattern;
        /** Parentheses open inside a pattern: bash's extended globs, @(a|b)). */
        private int patternParens;
        /** The word being read is a here-document's delimiter; <<- strips leading tabs from its lines. */
        private boolean heredocNext;
        private boolean heredocTabs;
        /** The here-documents begun on the line being read; their bodies follow it. */
        private final List<Heredoc> heredocs = new ArrayList<>();

        /** A here-document: its body's lines run up to the delimiter's; quoted, it has no substitutions. */
        private record Heredoc(String delimiter, boolean quoted, boolean tabs) {
        }

        /** Words after for, select, case and function that name or list things rather than run them. */
        private enum Header {
            NONE,
            /** for NAME, select NAME. */
            LOOP_NAME,
            /** After the name: in, do, or a separator. */
            LOOP_IN,
            /** The words looped over, up to a separator. */
            LOOP_WORDS,
            /** case WORD. */
            CASE_WORD,
            /** After the word: in. */
            CASE_IN,
            /** function NAME. */
            FUNCTION_NAME
        }

        /** Parentheses and braces open in this parser, so the ) or } that ends it is known. */
        private int parens;
        private int braces;

        Parser(String text, int start, int depth, boolean posix, Context context, Map<Long, Parser> inner) {
            if (depth > MAX_DEPTH) {
                throw new ShellSyntaxException("substitutions nested deeper than " + MAX_DEPTH);
            }
            this.text = text;
            this.pos = start;
            this.depth = depth;
            this.posix = posix;
            this.context = context;
            this.inner = inner;
        }

        /** Parses up to a syntax error, if any: a shell runs the lines before it. */
        void parseUpToAnError() {
            try {
                parse();
            } catch (ShellSyntaxException e) {
                // The commands read before the error are kept; the one it cut short never runs.
            }
        }

        /**
         * Reads to the end of the text, or for a substitution, arithmetic or parameter expansion, to the
         * character that ends it, which is left at {@link #pos}. Finding that end by parsing, as the shell
         * does, rather than by counting parentheses, keeps a ) in a case pattern, a comment, a quote or a
         * ${x:-)} from ending a $( early, which would leave the commands after it in the outer quotes.
         */
        void parse() {
            boolean commands = context == Context.SCRIPT || context == Context.SUBSTITUTION;
            while (pos < text.length() && !endsHere(text.charAt(pos))) {
                if (commands) {
                    scriptCharacter(text.charAt(pos));
                } else if (context == Context.HEREDOC) {
                    heredocCharacter(text.charAt(pos));
                } else {
                    expressionCharacter(text.charAt(pos));
                }
            }
            if (pos >= text.length() && context != Context.SCRIPT && context != Context.HEREDOC) {
                throw new ShellSyntaxException("unterminated " + switch (context) {
                    case SUBSTITUTION -> "$(";
                    case ARITHMETIC -> "$((";
                    default -> "${";
                });
            }
            if (commands) {
                endCommand();
            }
        }

        private boolean endsHere(char c) {
            if (c == ')' && context == Context.SUBSTITUTION) {
                endWord(); // a ) ends a word; if that is the esac of a case, the ) is no pattern's
            }
            return switch (context) {
                case SCRIPT, HEREDOC -> false;
                case SUBSTITUTION -> c == ')' && parens == 0 && !pattern;
                case ARITHMETIC -> c == ')' && parens == 0;
                case PARAMETER -> c == '}' && braces == 0;
            };
        }

        /** In an unquoted here-document only \\, ` and $ are special, as in double quotes but for ". */
        private void heredocCharacter(char c) {
            if (c == '`') {
                backtick(false);
            } else if (c == '$' && pos + 1 < text.length() && "({".indexOf(text.charAt(pos + 1)) >= 0) {
                dollar();
            } else {
                pos += c == '\\' ? 2 : 1;
            }
        }

        /**
         * Reads past the bodies of the here-documents begun on the line just ended, so that what they hold
         * (an apostrophe, case x in) does not change how the rest is read. A body is data, but a shell
         * reading it runs it (sh <<EOF) and an unquoted one has its substitutions run: both are checked.
         */
        private void heredocBodies() {
            for (Heredoc doc : heredocs) {
                int line = pos;
                while (line < text.length() && !delimiterLine(doc, line)) {
                    int eol = text.indexOf('\n', line);
                    line = eol < 0 ? text.length() : eol + 1;
                }
                String body = text.substring(pos, line);
                int eol = text.indexOf('\n', line);
                pos = eol < 0 ? text.length() : eol + 1;
                Parser asScript = new Parser(body, 0, depth + 1, posix, Context.SCRIPT, new HashMap<>());
                asScript.parseUpToAnError();
                commands.addAll(asScript.commands);
                if (!doc.quoted()) {
                    Parser expanded = new Parser(body, 0, depth + 1, posix, Context.HEREDOC, new HashMap<>());
                    expanded.parse();
                    commands.addAll(expanded.commands);
                    opaque |= expanded.opaque;
                }
            }
            heredocs.clear();
        }

        private boolean delimiterLine(Heredoc doc, int line) {
            int eol = text.indexOf('\n', line);
            String content = text.substring(line, eol < 0 ? text.length() : eol);
            return (doc.tabs() ? content.replaceFirst("^\t+", "") : content).equals(doc.delimiter());
        }

        /** In $(( )) and ${ } words are data: only quotes, escapes, nesting and substitutions matter. */
        private void expressionCharacter(char c) {
            switch (c) {
                case '\'' -> singleQuoted();
                case '"' -> doubleQuoted();
                case '\\' -> escaped();
                case '`' -> backtick(false);
                case '$' -> dollar();
                default -> {
                    parens += c == '(' ? 1 : c == ')' && parens > 0 ? -1 : 0;
                    braces += c == '{' ? 1 : c == '}' && braces > 0 ? -1 : 0;
                    pos++;
                }
            }
        }

        private void scriptCharacter(char c) {
            switch (c) {
                case '\'' -> singleQuoted();
                case '"' -> doubleQuoted();
                case '\\' -> escaped();
                case '`' -> backtick(false);
                case '$' -> dollar();
                case '#' -> {
                    if (inWord) {
                        append(c);
                    } else {
                        skipComment();
                    }
                }
                case ' ', '\t' -> {
                    endWord();
                    pos++;
                }
                case '{', '}' -> brace(c);
                case '\n' -> {
                    separator(c);
                    heredocBodies();
                }
                case ';', '&', '|', '(', ')' -> separator(c);
                case '>', '<' -> redirection();
                default -> append(c);
            }
        }

        /**
         * { and } are reserved words only as words of their own, and only where a command starts; otherwise
         * part of a word, {a,b}, ${x}, {}, or a word: rm } -rf / runs rm with all three arguments, which
         * taking the } for the end of a group would have cut off its -rf /.
         */
        private void brace(char c) {
            boolean ownWord = !inWord
                    && (pos + 1 >= text.length() || " \t\n;&|()<>".indexOf(text.charAt(pos + 1)) >= 0);
            if (!ownWord || !atCommandStart()) {
                append(c);
            } else {
                separator(c);
            }
        }

        private void separator(char c) {
            if (c == '&' && pos + 1 < text.length() && text.charAt(pos + 1) == '>') {
                // &> and &>> redirect both streams.
                pos++;
                redirection();
                return;
            }
            boolean afterWord = inWord;
            endWord();
            if (pattern && patternSyntax(c, afterWord) || headerGoesOn(c)) {
                pos++;
                return;
            }
            if (c == ';' && cases > 0 && (text.startsWith(";;", pos) || text.startsWith(";&", pos))) {
                caseItemEnd();
                return;
            }
            if (c == '(' && header == Header.LOOP_NAME && text.startsWith("((", pos) && arithmeticLoop()) {
                return;
            }
            if (c == '(' && functionDefinition()) {
                words.clear();
            }
            parens += c == '(' ? 1 : c == ')' && parens > 0 ? -1 : 0;
            endCommand();
            feedsStdin |= c == '|' && !text.startsWith("||", pos) && !text.startsWith("||", pos - 1);
            pos++;
        }

        /** bash's for ((init; test; step)): an expression, not commands; do or a separator follows. */
        private boolean arithmeticLoop() {
            Parser arithmetic = innerOrNull(Context.ARITHMETIC, pos + 2);
            if (arithmetic == null || !text.startsWith("))", arithmetic.pos)) {
                return false;
            }
            commands.addAll(arithmetic.commands);
            feedsStdin |= arithmetic.feedsStdin;
            opaque |= arithmetic.opaque;
            pos = arithmetic.pos + 2;
            header = Header.LOOP_IN;
            return true;
        }

        /**
         * In a case pattern, ( | and ) are the pattern's own: (a|b) and @(x|y) are patterns and the ) after
         * them ends the pattern. Anything else there is a syntax error to bash: the pattern is given up and
         * its words are read as a command, the cautious way.
         */
        private boolean patternSyntax(char c, boolean afterWord) {
            if (c == '|' || c == '\n' && words.isEmpty()) {
                return true;
            }
            if (c == '(') {
                if (afterWord || !words.isEmpty()) {
                    patternParens++;
                }
                return true;
            }
            if (c == ')') {
                if (patternParens > 0) {
                    patternParens--;
                } else {
                    words.clear();
                    pattern = false;
                }
                return true;
            }
            pattern = false;
            patternParens = 0;
            return false;
        }

        /** A newline may come between for NAME or case WORD and the in after it. */
        private boolean headerGoesOn(char c) {
            return c == '\n' && (header == Header.LOOP_IN || header == Header.CASE_IN);
        }

        /** ;; ;& and ;;& end a case item: a pattern follows, or esac. */
        private void caseItemEnd() {
            endCommand();
            pos += text.startsWith(";;&", pos) ? 3 : 2;
            pattern = true;
        }

        /** NAME ( ) defines a function: NAME does not run here, the body that follows is read as commands. */
        private boolean functionDefinition() {
            int next = pos + 1;
            while (next < text.length() && (text.charAt(next) == ' ' || text.charAt(next) == '\t')) {
                next++;
            }
            return words.size() == 1 && next < text.length() && text.charAt(next) == ')';
        }

        private void redirection() {
            prefixed = true;
            feedsStdin |= text.charAt(pos) == '<';
            // A file-descriptor number right before the operator belongs to it: 2>&1; so does bash's
            // {name}, which {fd}>/dev/null pg_dump otherwise made the program.
            if (inWord && word.toString().matches("[0-9]+|\\{[A-Za-z_][A-Za-z0-9_]*}")) {
                word.setLength(0);
                inWord = false;
            } else {
                endWord();
            }
            int operator = pos;
            pos++;
            while (pos < text.length() && "<>&|".indexOf(text.charAt(pos)) >= 0) {
                pos++;
            }
            // Only from where the operator starts: in echo \<<E the first < is an escaped word character.
            if (pos - operator == 2 && text.startsWith("<<", operator)) {
                // A here-document: its body is data for the command, which may be a shell or other interpreter.
                opaque = true;
                heredocNext = true;
                heredocTabs = pos < text.length() && text.charAt(pos) == '-';
                pos += heredocTabs ? 1 : 0;
            }
            if (pos < text.length() && Character.isDigit(text.charAt(pos)) && text.charAt(pos - 1) == '&') {
                while (pos < text.length() && Character.isDigit(text.charAt(pos))) {
                    pos++;
                }
                return;
            }
            redirectTarget = true;
        }

        private void singleQuoted() {
            int end = text.indexOf('\'', pos + 1);
            if (end < 0) {
                throw new ShellSyntaxException("unterminated single quote");
            }
            inWord = true;
            quoted = true;
            word.append(text, pos + 1, end);
            pos = end + 1;
        }

        private void doubleQuoted() {
            inWord = true;
            quoted = true;
            pos++;
            while (pos < text.length() && text.charAt(pos) != '"') {
                char c = text.charAt(pos);
                if (c == '\\' && pos + 1 < text.length() && "$`\"\\\n".indexOf(text.charAt(pos + 1)) >= 0) {
                    if (text.charAt(pos + 1) != '\n') { // a backslash and newline join lines, in quotes too
                        word.append(text.charAt(pos + 1));
                    }
                    pos += 2;
                } else if (c == '`') {
                    backtick(true);
                } else if (c == '$' && pos + 1 < text.length() && "({".indexOf(text.charAt(pos + 1)) >= 0) {
                    dollar();
                } else {
                    word.append(c);
                    pos++;
                }
            }
            if (pos >= text.length()) {
                throw new ShellSyntaxException("unterminated double quote");
            }
            pos++;
        }

        private void escaped() {
            if (pos + 1 >= text.length()) {
                pos++;
                return;
            }
            char next = text.charAt(pos + 1);
            pos++;
            if (next == '\n') {
                pos++; // a line continuation: the two lines are one
            } else {
                quoted = true;
                append(next); // moves past it; skipping one more would eat a separator: \a;pg_dump
            }
        }

        private void backtick(boolean inDoubleQuotes) {
            int end = pos + 1;
            while (end < text.length() && text.charAt(end) != '`') {
                end += text.charAt(end) == '\\' ? 2 : 1;
            }
            if (end >= text.length()) {
                throw new ShellSyntaxException("unterminated backtick");
            }
            nested(backquoted(text.substring(pos + 1, end), inDoubleQuotes));
            substituted(end + 1);
        }

        /** A substitution stays in its word as written, so a program name it makes is seen to be computed. */
        private void substituted(int end) {
            inWord = true;
            word.append(text, pos, end);
            pos = end;
        }

        private void dollar() {
            if (text.startsWith("$(", pos)) {
                substitution();
                return;
            }
            if (text.startsWith("${", pos)) {
                Parser parameter = inner(Context.PARAMETER, pos + 2);
                adopt(parameter, parameter.pos + 1);
                return;
            }
            if (!posix && pos + 1 < text.length() && text.charAt(pos + 1) == '\'') {
                ansiCQuoted();
                return;
            }
            if (pos + 1 < text.length() && text.charAt(pos + 1) == '"') {
                pos++; // $"..." is a double-quoted string bash may translate; dash reads $ as itself there
                doubleQuoted();
                return;
            }
            append('$');
        }

        /**
         * bash's $'...': a backslash escapes any character, \' included, so the string ends at the first
         * unescaped quote; the escapes are then decoded. A NUL ends what the string gives, as in bash:
         * $'pg_dump\0x' is pg_dump.
         */
        private void ansiCQuoted() {
            int end = pos + 2;
            while (end < text.length() && text.charAt(end) != '\'') {
                end += text.charAt(end) == '\\' ? 2 : 1;
            }
            if (end >= text.length()) {
                throw new ShellSyntaxException("unterminated $' quote");
            }
            String decoded = ansiC(text.substring(pos + 2, end));
            int nul = decoded.indexOf('\0');
            inWord = true;
            quoted = true;
            word.append(decoded, 0, nul < 0 ? decoded.length() : nul);
            pos = end + 1;
        }

        /** $( ), or $(( )) read as arithmetic when it ends with )), as bash decides: $((a) | b) is $( ). */
        private void substitution() {
            if (text.startsWith("$((", pos)) {
                Parser arithmetic = innerOrNull(Context.ARITHMETIC, pos + 3);
                if (arithmetic != null && text.startsWith("))", arithmetic.pos)) {
                    adopt(arithmetic, arithmetic.pos + 2);
                    return;
                }
            }
            Parser commands = inner(Context.SUBSTITUTION, pos + 2);
            adopt(commands, commands.pos + 1);
        }

        private Parser inner(Context what, int start) {
            long key = (long) start << 8 | (long) depth << 2 | what.ordinal();
            Parser parser = inner.get(key);
            if (parser == null) {
                parser = new Parser(text, start, depth + 1, posix, what, inner);
                try {
                    parser.parse();
                } catch (ShellSyntaxException e) {
                    parser.failure = e;
                }
                inner.put(key, parser);
            }
            if (parser.failure != null) {
                throw parser.failure;
            }
            return parser;
        }

        private Parser innerOrNull(Context what, int start) {
            try {
                return inner(what, start);
            } catch (ShellSyntaxException e) {
                return null; // not arithmetic after all; read again as commands
            }
        }

        /** Takes what an inner parser found; its text, up to {@code end}, stays in the word as written. */
        private void adopt(Parser inner, int end) {
            commands.addAll(inner.commands);
            feedsStdin |= inner.feedsStdin;
            opaque |= inner.opaque;
            substituted(end);
        }

        /** The command in backquotes, read from its own text once its backslashes are gone. */
        private void nested(String script) {
            Parser backquoted = new Parser(script, 0, depth + 1, posix, Context.SCRIPT, new HashMap<>());
            backquoted.parse();
            commands.addAll(backquoted.commands);
            feedsStdin |= backquoted.feedsStdin;
            opaque |= backquoted.opaque;
        }

        private void skipComment() {
            while (pos < text.length() && text.charAt(pos) != '\n') {
                pos++;
            }
        }

        private void append(char c) {
            inWord = true;
            word.append(c);
            pos++;
        }

        private void endWord() {
            if (!inWord) {
                return;
            }
            String ended = word.toString();
            // PS1='$(pg_dump db)', export PROMPT_COMMAND=..., BASH_ENV=f bash -c ...: run when no one looks.
            opaque |= CODE_VARIABLE.matcher(ended).matches();
            if (redirectTarget) {
                redirectTarget = false;
                if (heredocNext) {
                    heredocs.add(new Heredoc(ended, quoted, heredocTabs));
                    heredocNext = false;
                }
            } else if (grammar(ended)) {
                // taken: not part of a simple command
            } else if (words.isEmpty() && isAssignment(ended)) {
                prefixed = true;
            } else {
                words.add(ended);
            }
            word.setLength(0);
            inWord = false;
            quoted = false;
        }

        /**
         * Takes a word that is shell grammar rather than part of a simple command: a reserved word where a
         * command starts, or a word of a for, select, case or function header. Returns whether it took it.
         */
        private boolean grammar(String w) {
            if (header != Header.NONE) {
                return headerWord(w);
            }
            boolean reserved = !quoted && atCommandStart();
            if (pattern) {
                if (reserved && w.equals("esac")) {
                    pattern = false;
                    cases--;
                    return true;
                }
                return false;
            }
            if (!reserved) {
                return false;
            }
            switch (w) {
                case "for", "select" -> header = Header.LOOP_NAME;
                case "case" -> header = Header.CASE_WORD;
                case "function" -> header = Header.FUNCTION_NAME;
                case "esac" -> cases = Math.max(0, cases - 1);
                default -> {
                    return LEADING_WORDS.contains(w) || CLOSING_WORDS.contains(w);
                }
            }
            return true;
        }

        /** A word of a header: a name or a list, never a command. */
        private boolean headerWord(String w) {
            Header at = header;
            header = Header.NONE;
            switch (at) {
                case LOOP_NAME -> header = Header.LOOP_IN;
                case LOOP_IN -> {
                    if (quoted || !w.equals("in") && !w.equals("do")) {
                        return grammar(w); // bash refuses this; read on as if a command started here
                    }
                    header = w.equals("in") ? Header.LOOP_WORDS : Header.NONE;
                }
                case LOOP_WORDS -> header = Header.LOOP_WORDS;
                case CASE_WORD -> header = Header.CASE_IN;
                case CASE_IN -> {
                    if (quoted || !w.equals("in")) {
                        return grammar(w);
                    }
                    cases++;
                    pattern = true;
                }
                default -> {
                    // FUNCTION_NAME: the name is not run.
                }
            }
            return true;
        }

        /** Whether the word here would be the program: nothing before it, or only bash's time [-p] [--]. */
        private boolean atCommandStart() {
            if (prefixed) {
                return false;
            }
            for (int i = 0; i < words.size(); i++) {
                String w = words.get(i);
                if (!(i == 0 ? w.equals("time") : w.equals("-p") || w.equals("--"))) {
                    return false;
                }
            }
            return true;
        }

        private void endCommand() {
            endWord();
            header = Header.NONE;
            redirectTarget = false;
            prefixed = false;
            if (!words.isEmpty()) {
                commands.add(new SimpleCommand(words));
                words.clear();
            }
        }

        /**
         * NAME=value, bash's NAME+=value and NAME[i]=value, with a value that may hold newlines: an
         * assignment taken for the program hides the program after it.
         */
        private static boolean isAssignment(String word) {
            return ASSIGNMENT.matcher(word).matches();
        }
    }
}
