package dev.agentguard.proxy.exec;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

import dev.agentguard.relay.InOrderEnd;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.handler.codec.spdy.SpdyFrameDecoder;
import io.netty.handler.codec.spdy.SpdyFrameDecoderDelegate;
import io.netty.handler.codec.spdy.SpdyFrameEncoder;
import io.netty.handler.codec.spdy.SpdyVersion;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.net.NetSocket;

/**
 * The API server's side of a session over SPDY/3.1 and {@code v4.channel.k8s.io},
 * the protocol the kubelet itself speaks: one stream per channel, created by the
 * proxy as client-go does (error, stdin, stdout, stderr, resize; each only when
 * the request asks for it, as the kubelet expects exactly those). kube-apiserver
 * relays these bytes unchanged, so back-pressure reaches the container's process
 * and no output is dropped between the API server and the kubelet.
 *
 * <p>The session ends after the error stream's exit Status and the end of every
 * output stream, or when the connection ends; the Status is delivered after the
 * output, whatever order the streams finished in.
 */
final class SpdyEnd extends SocketFlow implements SpdyFrameDecoderDelegate {

    static final SpdyVersion VERSION = SpdyVersion.SPDY_3_1;
    private static final ByteBufAllocator ALLOC = UnpooledByteBufAllocator.DEFAULT;
    /** Stdin and resize messages go out in data frames of at most this much. */
    private static final int MAX_DATA_FRAME = 64 * 1024;
    /** A Status larger than this is not one the kubelet wrote. */
    private static final int MAX_STATUS_BYTES = 64 * 1024;
    private static final int GOAWAY_OK = 0;
    private static final int CANCEL = 5;

    /** The streams of the remote-command protocol, with the channel each stands for. */
    enum Stream {
        ERROR("error", ChannelProtocol.ERROR), STDIN("stdin", ChannelProtocol.STDIN),
        STDOUT("stdout", ChannelProtocol.STDOUT), STDERR("stderr", ChannelProtocol.STDERR),
        RESIZE("resize", ChannelProtocol.RESIZE);

        final String type;
        final int channel;

        Stream(String type, int channel) {
            this.type = type;
            this.channel = channel;
        }
    }

    private final NetSocket socket;
    private final InOrderEnd reads;
    private final SpdyFrameEncoder encoder = new SpdyFrameEncoder(VERSION);
    private final SpdyFrameDecoder decoder = new SpdyFrameDecoder(VERSION, this, 1 << 20);
    private final SpdyHeaderBlocks headerBlocks = new SpdyHeaderBlocks(VERSION);
    private final HeldMessages messages;
    private final ByteBuf unread = Unpooled.buffer(0);
    private final Map<Integer, Stream> byId = new HashMap<>();
    private final Map<Stream, Integer> ids = new HashMap<>();
    /** Streams the kubelet writes to that have not ended yet. */
    private final Set<Stream> open = new HashSet<>();
    private final ByteArrayOutputStream status = new ByteArrayOutputStream();
    private boolean statusComplete;
    private boolean stdinClosed;
    private boolean finished;
    private boolean closing;
    private boolean socketClosed;
    private boolean broken;
    private int nextPingId = 1;

    /** Call on the socket's event loop. */
    SpdyEnd(NetSocket socket, List<Stream> streams) {
        this(socket, new InOrderEnd(socket, Vertx.currentContext()), streams);
    }

    /** @param reads the socket, its end held until the frames queued before it are read */
    private SpdyEnd(NetSocket socket, InOrderEnd reads, List<Stream> streams) {
        super(reads, socket);
        this.socket = socket;
        this.reads = reads;
        this.messages = new HeldMessages(reads::pause);
        reads.handler(this::read);
        reads.endHandler(v -> finish());
        socket.closeHandler(v -> {
            socketClosed = true;
            headerBlocks.end();
        });
        socket.exceptionHandler(e -> {
            // An upgraded connection's end reaches the socket as HttpClosedException before its
            // end handler: that is the session's end (finish), not a failure.
            if (!(e instanceof HttpClosedException) && !finished) {
                messages.failed("lost its connection: " + e.getMessage());
            }
        });
        int id = 1;
        for (Stream stream : streams) {
            byId.put(id, stream);
            ids.put(stream, id);
            if (stream == Stream.ERROR || stream == Stream.STDOUT || stream == Stream.STDERR) {
                open.add(stream);
            }
            ByteBuf block = headerBlocks.block(ALLOC, "streamtype", stream.type);
            try {
                write(encoder.encodeSynStreamFrame(ALLOC, id, 0, (byte) 0, false, false, block));
            } finally {
                block.release();
            }
            id += 2;
        }
    }

    /** The streams a request's query asks for, as the kubelet counts them (no stderr on a terminal). */
    static List<Stream> streamsFor(boolean stdin, boolean stdout, boolean stderr, boolean tty) {
        List<Stream> streams = new ArrayList<>();
        streams.add(Stream.ERROR);
        if (stdin) {
            streams.add(Stream.STDIN);
        }
        if (stdout) {
            streams.add(Stream.STDOUT);
        }
        if (stderr && !tty) {
            streams.add(Stream.STDERR);
        }
        if (tty) {
            streams.add(Stream.RESIZE);
        }
        return streams;
    }

    @Override
    public void start(Messages to, Consumer<Buffer> pings, Runnable onEnd, Consumer<String> onFailure) {
        messages.start(to, onEnd, onFailure);
        if (!closed()) {
            reads.resume();
        }
    }

    private void read(Buffer data) {
        if (broken) {
            return;
        }
        ByteBuf in = data.getByteBuf();
        if (unread.isReadable()) {
            unread.writeBytes(in);
            decoder.decode(unread);
            unread.discardReadBytes();
        } else {
            decoder.decode(in);
            if (in.isReadable()) {
                unread.writeBytes(in);
            }
        }
    }

    // What the kubelet sends (SpdyFrameDecoderDelegate).

    @Override
    public void readDataFrame(int streamId, boolean last, ByteBuf data) {
        try {
            Stream stream = byId.get(streamId);
            if (stream == null || finished) {
                return;
            }
            if (stream == Stream.ERROR) {
                if (status.size() + data.readableBytes() > MAX_STATUS_BYTES) {
                    protocolError("sent an exit Status over " + MAX_STATUS_BYTES + " bytes");
                    return;
                }
                data.readBytes(status, data.readableBytes());
            } else if ((stream == Stream.STDOUT || stream == Stream.STDERR) && data.isReadable()) {
                byte[] payload = new byte[data.readableBytes()];
                data.readBytes(payload);
                messages.message(stream.channel, payload);
            }
            if (last) {
                ended(stream);
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        } finally {
            data.release();
        }
    }

    @Override
    public void readSynStreamFrame(int streamId, int associatedToStreamId, byte priority, boolean last,
            boolean unidirectional) {
        // The kubelet opens no streams towards its client.
        write(encoder.encodeRstStreamFrame(ALLOC, streamId, 3 /* REFUSED_STREAM */));
    }

    @Override
    public void readSynReplyFrame(int streamId, boolean last) {
        Stream stream = byId.get(streamId);
        if (last && stream != null) {
            ended(stream);
        }
    }

    @Override
    public void readRstStreamFrame(int streamId, int statusCode) {
        Stream stream = byId.get(streamId);
        if (statusCode == CANCEL) {
            // How the kubelet ends every stream when the command is done: the connection's Close
            // resets them all. What the stream carried came before, in order.
            if (stream != null) {
                ended(stream);
            }
            return;
        }
        protocolError("reset the session's " + (stream == null ? "stream " + streamId : stream.type + " stream")
                + " (SPDY status " + statusCode + ")");
    }

    @Override
    public void readSettingsFrame(boolean clearPersisted) {
    }

    @Override
    public void readSetting(int id, int value, boolean persistValue, boolean persisted) {
    }

    @Override
    public void readSettingsEnd() {
    }

    @Override
    public void readPingFrame(int id) {
        // Even ids are the kubelet's own pings, odd ones the answers to the proxy's.
        if (id % 2 == 0) {
            write(encoder.encodePingFrame(ALLOC, id));
        }
    }

    @Override
    public void readGoAwayFrame(int lastGoodStreamId, int statusCode) {
        // The connection's end follows; the streams finish on their own.
    }

    @Override
    public void readHeadersFrame(int streamId, boolean last) {
        Stream stream = byId.get(streamId);
        if (last && stream != null) {
            ended(stream);
        }
    }

    @Override
    public void readWindowUpdateFrame(int streamId, int deltaWindowSize) {
        // Neither end does SPDY flow control (spdystream ignores it); TCP carries the back-pressure.
    }

    @Override
    public void readHeaderBlock(ByteBuf headerBlock) {
        // The kubelet's reply headers carry nothing the session needs.
        headerBlock.release();
    }

    @Override
    public void readHeaderBlockEnd() {
    }

    @Override
    public void readFrameError(String message) {
        protocolError("sent a malformed SPDY frame: " + message);
    }

    private void protocolError(String why) {
        if (broken) {
            return;
        }
        broken = true;
        messages.failed(why);
    }

    private void ended(Stream stream) {
        if (stream == Stream.ERROR) {
            // The kubelet writes the Status in one frame, then resets the stream rather than ending it.
            statusComplete = status.size() > 0;
        }
        open.remove(stream);
        if (open.isEmpty()) {
            finish();
            close(Optional.empty());
        }
    }

    /**
     * Once: the Status after all output, then the end. The kubelet writes a Status for every
     * v4 session, success included, so an end without one is a session cut off (the kubelet or
     * the API server went away), and the agent is told so rather than seeing a clean exit.
     */
    private void finish() {
        if (finished) {
            return;
        }
        finished = true;
        if (statusComplete) {
            messages.message(ChannelProtocol.ERROR, status.toByteArray());
            messages.end();
        } else if (!broken) {
            messages.failed("ended the session before its exit Status");
        }
    }

    // What the agent sends.

    @Override
    public void send(int channel, byte[] payload) {
        if (closed()) {
            return;
        }
        switch (channel) {
            case ChannelProtocol.STDIN -> {
                if (!stdinClosed) {
                    data(Stream.STDIN, payload);
                }
            }
            case ChannelProtocol.RESIZE -> data(Stream.RESIZE, payload);
            case ChannelProtocol.CLOSE -> {
                // v5's close channel: the agent's stdin ends, the session goes on.
                if (payload.length > 0 && payload[0] == ChannelProtocol.STDIN && !stdinClosed
                        && ids.containsKey(Stream.STDIN)) {
                    stdinClosed = true;
                    write(encoder.encodeDataFrame(ALLOC, ids.get(Stream.STDIN), true, Unpooled.EMPTY_BUFFER));
                }
            }
            default -> {
                // Nothing else has a stream; the kubelet would not read it.
            }
        }
    }

    private void data(Stream stream, byte[] payload) {
        Integer id = ids.get(stream);
        if (id == null) {
            return;
        }
        for (int from = 0; from < payload.length; from += MAX_DATA_FRAME) {
            ByteBuf chunk = Unpooled.wrappedBuffer(payload, from, Math.min(MAX_DATA_FRAME, payload.length - from));
            write(encoder.encodeDataFrame(ALLOC, id, false, chunk));
        }
    }

    @Override
    public void ping(Buffer data) {
        // The agent's keepalive keeps the kubelet's idle timer from ending the session.
        if (!closed()) {
            write(encoder.encodePingFrame(ALLOC, nextPingId));
            nextPingId = nextPingId >= Integer.MAX_VALUE - 2 ? 1 : nextPingId + 2;
        }
    }

    private void write(ByteBuf frame) {
        if (closed()) {
            frame.release();
            return;
        }
        socket.write(Buffer.buffer(frame));
    }

    @Override
    public void close(Optional<CloseStatus> like) {
        if (closed()) {
            return;
        }
        write(encoder.encodeGoAwayFrame(ALLOC, 0, GOAWAY_OK));
        closing = true;
        socket.close();
        headerBlocks.end();
    }

    @Override
    public Optional<CloseStatus> closeStatus() {
        return Optional.empty();
    }

    @Override
    public boolean closed() {
        return closing || socketClosed;
    }
}
