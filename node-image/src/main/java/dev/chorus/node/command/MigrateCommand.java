package dev.chorus.node.command;

import dev.chorus.node.Server;
import dev.chorus.node.command.meta.KeyRef;
import dev.chorus.node.persistence.RdbPayload;
import dev.chorus.node.persistence.StoreValueCodec;
import dev.chorus.node.store.KeyEntry;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * MIGRATE host port key|"" destination-db timeout [COPY] [REPLACE] [AUTH password | AUTH2 username password]
 * [KEYS key ...], as Redis 7.0's migrateCommand (cluster.c): the keys are sent as RESTORE commands (DUMP payloads)
 * over a connection cached per host:port for 10 seconds, with synchronous I/O bounded by the timeout, as Redis blocks
 * too. Keys the target acknowledged are deleted here (unless COPY) and replicated as DEL. A socket error before any
 * reply is retried once on a fresh connection (not after a timeout).
 */
public final class MigrateCommand implements CommandFamily {
    private static final int CACHE_ITEMS = 64;
    private static final long CACHE_TTL_MILLIS = 10_000;
    private static final byte[] DEL = "DEL".getBytes(StandardCharsets.US_ASCII);
    /** The flags of MIGRATE's first key spec, which migrateGetKeys gives every key. */
    private static final List<String> KEY_FLAGS = List.of("RW", "access", "delete");
    private static final Map<Server, Map<String, CachedSocket>> CACHES = new WeakHashMap<>();

    /** Redis' migrateCachedSocket. */
    private static final class CachedSocket {
        final Socket socket;
        final InputStream in;
        final OutputStream out;
        long lastDbid = -1;
        long lastUse = System.currentTimeMillis();

        /** A socket that never connected has no streams: writing to it fails, as a refused connection does. */
        CachedSocket(Socket socket) throws IOException {
            this.socket = socket;
            this.in = socket.isConnected() ? new BufferedInputStream(socket.getInputStream()) : null;
            this.out = socket.isConnected() ? socket.getOutputStream() : null;
        }

        void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing a connection we no longer use
            }
        }
    }

    /** A connect that timed out (Redis answers it differently from a refused connection). */
    private static final class ConnectTimeout extends Exception {
        private static final long serialVersionUID = 1L;
    }

    @Override
    public List<CommandSpec.Builder> commands() {
        return List.of(CommandSpec.of("migrate", -6, "write", MigrateCommand::migrate).getKeys(MigrateCommand::keys));
    }

    /**
     * Redis' migrateGetKeys (COMMAND GETKEYS falls back to it: the KEYS spec is incomplete): the key argument, or
     * everything after KEYS, skipping the arguments of AUTH (1) and AUTH2 (2) on the way.
     */
    static List<KeyRef> keys(byte[][] argv) {
        int first = 3;
        int num = 1;
        for (int i = 6; i < argv.length; i++) {
            String opt = new String(argv[i], StandardCharsets.UTF_8).toLowerCase(java.util.Locale.ROOT);
            if (opt.equals("keys")) {
                if (argv[3].length > 0) {
                    return List.of();
                }
                first = i + 1;
                num = argv.length - first;
                break;
            }
            if (opt.equals("auth")) {
                i += 1;
            } else if (opt.equals("auth2")) {
                i += 2;
            }
        }
        List<KeyRef> keys = new ArrayList<>(num);
        for (int i = 0; i < num; i++) {
            keys.add(new KeyRef(first + i, KEY_FLAGS));
        }
        return keys;
    }

    private static synchronized Map<String, CachedSocket> cache(Server server) {
        return CACHES.computeIfAbsent(server, s -> {
            Map<String, CachedSocket> m = new HashMap<>();
            s.addCronHook(() -> closeTimedOut(m));
            return m;
        });
    }

    /** INFO's migrate_cached_sockets: the connections MIGRATE keeps open for reuse. */
    public static synchronized int cachedSockets(Server server) {
        Map<String, CachedSocket> m = CACHES.get(server);
        return m == null ? 0 : m.size();
    }

    /** Redis' migrateCloseTimedoutSockets (serverCron). */
    private static void closeTimedOut(Map<String, CachedSocket> cache) {
        long now = System.currentTimeMillis();
        for (Iterator<CachedSocket> it = cache.values().iterator(); it.hasNext(); ) {
            CachedSocket cs = it.next();
            if (now - cs.lastUse > CACHE_TTL_MILLIS) {
                cs.close();
                it.remove();
            }
        }
    }

    static void migrate(CommandContext ctx) {
        boolean copy = false;
        boolean replace = false;
        String username = null;
        byte[] password = null;
        int firstKey = 3;
        int numKeys = 1;
        for (int j = 6; j < ctx.argc(); j++) {
            int moreArgs = ctx.argc() - 1 - j;
            String opt = ctx.option(j);
            switch (opt) {
                case "copy" -> copy = true;
                case "replace" -> replace = true;
                case "auth" -> {
                    if (moreArgs < 1) {
                        throw Errors.syntax();
                    }
                    password = ctx.arg(++j);
                }
                case "auth2" -> {
                    if (moreArgs < 2) {
                        throw Errors.syntax();
                    }
                    username = ctx.argString(++j);
                    password = ctx.arg(++j);
                }
                case "keys" -> {
                    if (ctx.arg(3).length != 0) {
                        throw new CommandError("ERR When using MIGRATE KEYS option, the key argument must be set to "
                                + "the empty string");
                    }
                    firstKey = j + 1;
                    numKeys = ctx.argc() - j - 1;
                    j = ctx.argc(); // all the remaining arguments are keys
                }
                default -> throw Errors.syntax();
            }
        }
        long timeout = ctx.longArg(5);
        long dbid = ctx.longArg(4);
        if (timeout <= 0) {
            timeout = 1000;
        }
        List<byte[]> keys = new ArrayList<>();
        List<KeyEntry> entries = new ArrayList<>();
        for (int j = 0; j < numKeys; j++) {
            KeyEntry e = ctx.db().lookup(ctx.arg(firstKey + j));
            if (e != null) {
                keys.add(ctx.arg(firstKey + j));
                entries.add(e);
            }
        }
        if (keys.isEmpty()) {
            ctx.reply().simple("NOKEY");
            return;
        }
        // The RESTORE payloads are made once, before any I/O (the data can't change meanwhile: one thread).
        byte[][] payloads = new byte[keys.size()][];
        long[] ttls = new long[keys.size()];
        long now = System.currentTimeMillis();
        for (int j = 0; j < keys.size(); j++) {
            KeyEntry e = entries.get(j);
            payloads[j] = RdbPayload.dump(e.value(), StoreValueCodec.INSTANCE);
            if (e.hasExpire()) {
                ttls[j] = Math.max(1, e.expireAt() - now);
            }
        }
        String host = ctx.argString(1);
        String name = host + ":" + ctx.argString(2);
        Map<String, CachedSocket> cache = cache(ctx.server());
        boolean mayRetry = true;
        while (true) {
            CachedSocket cs;
            try {
                cs = socket(cache, name, host, ctx.argString(2), timeout);
            } catch (ConnectTimeout e) {
                throw new CommandError("IOERR error or timeout connecting to the client");
            }
            Outcome o = transfer(ctx, cs, keys, payloads, ttls, dbid, username, password, copy, replace, timeout);
            if (o.socketError) {
                close(cache, name);
            }
            if (o.retry && mayRetry) {
                mayRetry = false;
                continue;
            }
            List<byte[]> deleted = o.acknowledged;
            if (!copy && !deleted.isEmpty()) {
                byte[][] del = new byte[deleted.size() + 1][];
                del[0] = DEL;
                for (int i = 0; i < deleted.size(); i++) {
                    ctx.db().delete(deleted.get(i));
                    ctx.dirty();
                    del[i + 1] = deleted.get(i);
                }
                ctx.propagate(del);
            } else {
                ctx.suppressPropagation();
            }
            if (o.targetError != null) {
                throw new CommandError("ERR Target instance replied with error: " + o.targetError);
            }
            if (o.socketError) {
                throw new CommandError("IOERR error or timeout " + (o.writeError ? "writing" : "reading")
                        + " to target instance");
            }
            cs.lastDbid = dbid;
            ctx.reply().ok();
            return;
        }
    }

    /** What one attempt came to. */
    private static final class Outcome {
        final List<byte[]> acknowledged = new ArrayList<>();
        String targetError;
        boolean socketError;
        boolean writeError;
        /** Nothing was processed and it failed without a timeout: Redis tries once more on a new connection. */
        boolean retry;
    }

    private static Outcome transfer(CommandContext ctx, CachedSocket cs, List<byte[]> keys, byte[][] payloads,
            long[] ttls, long dbid, String username, byte[] password, boolean copy, boolean replace, long timeout) {
        Outcome o = new Outcome();
        ByteArrayOutputStream cmd = new ByteArrayOutputStream();
        if (password != null) {
            if (username != null) {
                bulks(cmd, "AUTH".getBytes(StandardCharsets.US_ASCII), username.getBytes(StandardCharsets.UTF_8),
                        password);
            } else {
                bulks(cmd, "AUTH".getBytes(StandardCharsets.US_ASCII), password);
            }
        }
        boolean select = cs.lastDbid != dbid;
        if (select) {
            bulks(cmd, "SELECT".getBytes(StandardCharsets.US_ASCII), ascii(Long.toString(dbid)));
        }
        for (int j = 0; j < keys.size(); j++) {
            if (replace) {
                bulks(cmd, ascii("RESTORE"), keys.get(j), ascii(Long.toString(ttls[j])), payloads[j], ascii("REPLACE"));
            } else {
                bulks(cmd, ascii("RESTORE"), keys.get(j), ascii(Long.toString(ttls[j])), payloads[j]);
            }
        }
        try {
            if (cs.out == null) {
                throw new IOException("not connected");
            }
            cs.socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, timeout));
            cs.out.write(cmd.toByteArray());
            cs.out.flush();
        } catch (IOException e) {
            o.socketError = true;
            o.writeError = true;
            o.retry = !(e instanceof SocketTimeoutException);
            return o;
        }
        String authReply = "";
        String selectReply = "";
        try {
            if (password != null) {
                authReply = readLine(cs.in);
            }
            if (select) {
                selectReply = readLine(cs.in);
            }
        } catch (IOException e) {
            o.socketError = true;
            o.retry = !(e instanceof SocketTimeoutException);
            return o;
        }
        int j = 0;
        for (; j < keys.size(); j++) {
            String reply;
            try {
                reply = readLine(cs.in);
            } catch (IOException e) {
                o.socketError = true;
                o.retry = j == 0 && o.targetError == null && !(e instanceof SocketTimeoutException);
                break;
            }
            if (authReply.startsWith("-") || (select && selectReply.startsWith("-")) || reply.startsWith("-")) {
                if (o.targetError == null) {
                    cs.lastDbid = -1;
                    String err = authReply.startsWith("-") ? authReply
                            : select && selectReply.startsWith("-") ? selectReply : reply;
                    o.targetError = err.substring(1);
                }
            } else if (!copy) {
                o.acknowledged.add(keys.get(j));
            }
        }
        if (o.targetError != null) {
            o.retry = false;
        }
        return o;
    }

    private static CachedSocket socket(Map<String, CachedSocket> cache, String name, String host, String port,
            long timeout) throws ConnectTimeout {
        CachedSocket cs = cache.get(name);
        if (cs != null) {
            cs.lastUse = System.currentTimeMillis();
            return cs;
        }
        if (cache.size() == CACHE_ITEMS) {
            String victim = cache.keySet().iterator().next();
            cache.remove(victim).close();
        }
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.connect(new InetSocketAddress(host, atoi(port)), (int) Math.min(Integer.MAX_VALUE, timeout));
        } catch (SocketTimeoutException e) {
            closeQuietly(s);
            throw new ConnectTimeout();
        } catch (ConnectException | IllegalArgumentException e) {
            // Redis' non-blocking connect reports a refused connection as writable: the first write then fails.
        } catch (IOException e) {
            closeQuietly(s);
            throw new ConnectTimeout();
        }
        try {
            cs = new CachedSocket(s);
        } catch (IOException e) {
            closeQuietly(s);
            throw new ConnectTimeout();
        }
        cache.put(name, cs);
        return cs;
    }

    private static void close(Map<String, CachedSocket> cache, String name) {
        CachedSocket cs = cache.remove(name);
        if (cs != null) {
            cs.close();
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // nothing to release
        }
    }

    /** C's atoi: leading digits, else 0. */
    private static int atoi(String s) {
        int i = 0;
        int sign = 1;
        s = s.stripLeading();
        if (i < s.length() && (s.charAt(i) == '-' || s.charAt(i) == '+')) {
            sign = s.charAt(i) == '-' ? -1 : 1;
            i++;
        }
        long v = 0;
        while (i < s.length() && Character.isDigit(s.charAt(i)) && v < Integer.MAX_VALUE) {
            v = v * 10 + (s.charAt(i++) - '0');
        }
        return (int) (sign * v);
    }

    /** Redis' syncReadLine: one line without its CRLF; EOF is an error. */
    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed");
            }
            if (b == '\n') {
                break;
            }
            line.write(b);
        }
        byte[] bytes = line.toByteArray();
        int n = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        return new String(bytes, 0, n, StandardCharsets.UTF_8);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static void bulks(ByteArrayOutputStream out, byte[]... args) {
        out.writeBytes(ascii("*" + args.length + "\r\n"));
        for (byte[] a : args) {
            out.writeBytes(ascii("$" + a.length + "\r\n"));
            out.writeBytes(a);
            out.writeBytes(ascii("\r\n"));
        }
    }
}
