package dev.agentguard.proxy.recording;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The per-node SHA-256 chain over completed recordings: a ledger file
 * {@code <dir>/chain.jsonl}, one JSON line per session, appended in completion
 * order. Each entry's digest covers the one before, so an edited, removed or
 * reordered entry (or recording) shows up in {@link ChainVerifier}. Thread-safe:
 * sessions end on several event loops.
 */
public final class RecordingChain {

    public static final String LEDGER = "chain.jsonl";

    private final Path dir;
    private final Path ledger;
    private ChainEntry last;
    /** Why appending is unsafe now (a failed write could not be undone), or null. */
    private String damaged;

    /**
     * Opens the chain (creating the directory and ledger if missing) and reads
     * its last entry, so the chain continues across proxy restarts. A torn or
     * unreadable last line is an error: repairing it is for a person to decide.
     */
    public RecordingChain(Path dir) throws IOException {
        this.dir = dir;
        this.ledger = dir.resolve(LEDGER);
        Files.createDirectories(dir);
        try {
            Files.createFile(ledger);
            Directories.sync(dir);
        } catch (FileAlreadyExistsException e) {
            // A proxy ran here before: continue its chain.
        }
        this.last = lastEntry(ledger);
    }

    private static ChainEntry lastEntry(Path ledger) throws IOException {
        AtomicReference<Ledger.Line> lastLine = new AtomicReference<>();
        Ledger.read(ledger, lastLine::set);
        Ledger.Line line = lastLine.get();
        if (line == null) {
            return null;
        }
        String where = ledger + " line " + line.number();
        String advice = "; the chain cannot continue from it (run the verify command and repair the ledger by hand)";
        if (line.torn()) {
            throw new IOException(where + " is torn: it has no newline at its end, so writing it was cut off"
                    + advice);
        }
        ChainEntry entry;
        try {
            entry = Ledger.decode(line.text());
        } catch (Ledger.LedgerException e) {
            throw new IOException(where + " is not a chain entry: " + e.getMessage() + advice, e);
        }
        if (!entry.digest().equals(entry.recomputedDigest())) {
            throw new IOException(where + " was altered: its digest does not match its fields" + advice);
        }
        return entry;
    }

    /**
     * Appends an entry for a completed recording (a file in this chain's
     * directory), fsyncs the ledger and returns the entry.
     */
    public synchronized ChainEntry append(String session, CompletedRecording recording) throws IOException {
        if (damaged != null) {
            throw new IOException(damaged);
        }
        if (session == null || session.isEmpty() || session.indexOf('\n') >= 0) {
            // The digest separates fields with newlines; one inside a field would make it ambiguous.
            throw new IllegalArgumentException("session id must be non-empty and on one line");
        }
        Path file = recording.file();
        if (!Files.isSameFile(file.toAbsolutePath().getParent(), dir)) {
            throw new IllegalArgumentException("recording " + file + " is not in the chain's directory " + dir);
        }
        ChainEntry entry = ChainEntry.after(last, session, file.getFileName().toString(), recording.sha256(),
                recording.incomplete());
        write(Ledger.encode(entry));
        last = entry;
        return entry;
    }

    private void write(byte[] line) throws IOException {
        try (FileChannel channel = FileChannel.open(ledger, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            long size = channel.size();
            try {
                ByteBuffer data = ByteBuffer.wrap(line);
                while (data.hasRemaining()) {
                    channel.write(data);
                }
                channel.force(true);
            } catch (IOException e) {
                undo(channel, size, e);
                throw e;
            }
        }
    }

    /**
     * Cuts off a partly written line, so the next entry does not follow a torn
     * one. If even that fails, stops appending: the ledger needs a person.
     */
    private void undo(FileChannel channel, long size, IOException cause) {
        try {
            channel.truncate(size);
            channel.force(true);
        } catch (IOException e) {
            cause.addSuppressed(e);
            damaged = "the ledger " + ledger + " may end in a partly written line after a failed write ("
                    + cause.getMessage() + "); no more entries until it is checked and the proxy restarted";
        }
    }
}
