package dev.agentguard.proxy.recording;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Checks a node's recording directory against its chain: every ledger entry's
 * file exists and has the recorded SHA-256 ("missing", "edited"), every entry
 * links to the one before with consecutive sequences ("gap"), every digest
 * recomputes ("altered"). Recordings not in the ledger are warnings: a
 * session still running, or one whose proxy died before completing it.
 */
public final class ChainVerifier {

    private final Path dir;
    /** When set, only the chain up to this session's entry, and only its file, are checked. */
    private final String session;
    private ChainEntry found;
    private final List<String> problems = new ArrayList<>();
    private final Set<String> ledgered = new HashSet<>();
    private ChainEntry before;
    private int entries;

    private ChainVerifier(Path dir, String session) {
        this.dir = dir;
        this.session = session;
    }

    public static VerificationReport verify(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new NoSuchFileException(dir.toString(), null, "not a directory");
        }
        return new ChainVerifier(dir, null).run();
    }

    /**
     * Checks one session: its recording's SHA-256 matches its ledger entry, and
     * the chain from the first entry up to that one is intact (links, sequences,
     * digests). Entries after it cannot change what it proves, so they are not read
     * as problems; other sessions' files are not hashed, which keeps the check
     * proportional to one recording.
     */
    public static SessionVerification verifySession(Path dir, String session) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new NoSuchFileException(dir.toString(), null, "not a directory");
        }
        ChainVerifier verifier = new ChainVerifier(dir, session);
        VerificationReport report = verifier.run();
        List<String> problems = new ArrayList<>(report.problems());
        if (verifier.found == null && Files.exists(dir.resolve(RecordingChain.LEDGER))) {
            problems.add("session " + session + " has no entry in the ledger: it is still running, its proxy"
                    + " stopped before completing it, or its entry was removed");
        }
        ChainEntry entry = verifier.found;
        return new SessionVerification(session, problems.isEmpty(), problems,
                entry == null ? null : entry.digest(), entry != null && entry.incomplete());
    }

    private VerificationReport run() throws IOException {
        Path ledger = dir.resolve(RecordingChain.LEDGER);
        if (Files.exists(ledger)) {
            Ledger.read(ledger, this::line);
        } else {
            // Deleting the ledger must not read as "nothing to check".
            problems.add("missing: the ledger " + ledger + " does not exist, so no recording here can be verified");
        }
        return new VerificationReport(entries, problems, session == null ? unledgered() : List.of());
    }

    private void line(Ledger.Line line) throws IOException {
        if (found != null) {
            return;
        }
        if (line.torn()) {
            problems.add("line " + line.number() + " of the ledger: torn: it has no newline at its end"
                    + " (writing it was cut off, or the ledger was edited)");
        }
        ChainEntry entry;
        try {
            entry = Ledger.decode(line.text());
        } catch (Ledger.LedgerException e) {
            // The next entry's link to this line cannot be checked, so it reads as a gap too.
            problems.add("line " + line.number() + " of the ledger: unreadable: " + e.getMessage());
            return;
        }
        entries++;
        if (session != null && session.equals(entry.session())) {
            found = entry;
        }
        check(entry);
        before = entry;
    }

    private void check(ChainEntry entry) throws IOException {
        String name = "entry " + entry.sequence() + " (session " + entry.session() + ", " + entry.file() + "): ";
        if (!entry.digest().equals(entry.recomputedDigest())) {
            problems.add(name + "altered: its digest is " + entry.digest() + " but its fields hash to "
                    + entry.recomputedDigest());
        }
        String gap = link(entry);
        if (gap != null) {
            problems.add(name + "gap: " + gap);
        }
        String file = session == null || entry == found ? file(entry) : null;
        if (file != null) {
            problems.add(name + file);
        }
    }

    /** What is wrong with the entry's link to the one before, or null. */
    private String link(ChainEntry entry) {
        if (before == null) {
            if (entry.sequence() == 1 && entry.previous().equals(ChainEntry.START)) {
                return null;
            }
            return "the ledger starts at sequence " + entry.sequence() + " with previous digest " + entry.previous()
                    + ", not at sequence 1 with 64 zeros: its first entries are gone";
        }
        boolean linked = entry.previous().equals(before.digest());
        boolean follows = entry.sequence() == before.sequence() + 1;
        if (linked && follows) {
            return null;
        }
        String sequence = "sequence " + entry.sequence() + " does not follow entry " + before.sequence();
        if (linked) {
            return sequence;
        }
        return "previous digest " + entry.previous() + " does not match entry " + before.sequence() + "'s digest "
                + before.digest() + (follows ? "" : " (and " + sequence + ")");
    }

    /** What is wrong with the entry's recording file, or null. */
    private String file(ChainEntry entry) throws IOException {
        String name = entry.file();
        if (name.isEmpty() || name.contains("/") || name.contains("\\") || name.equals(".") || name.equals("..")
                || name.equals(RecordingChain.LEDGER)) {
            return "edited: '" + name + "' is not the name of a recording in this directory";
        }
        ledgered.add(name);
        Path file = dir.resolve(name);
        if (!Files.isRegularFile(file)) {
            return "missing: " + file + " does not exist";
        }
        String sha256 = Sha256.ofFile(file);
        if (!sha256.equals(entry.sha256())) {
            return "edited: sha256 is " + sha256 + " but the chain recorded " + entry.sha256();
        }
        return null;
    }

    private List<String> unledgered() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(file -> file.getFileName().toString())
                    .filter(name -> name.endsWith(".cast") && !ledgered.contains(name))
                    .sorted()
                    .map(name -> name + " is not in the ledger: a session still running, or one whose proxy"
                            + " stopped before completing it")
                    .toList();
        }
    }
}
