package dev.chorus.node.command.shared;

import dev.chorus.node.Server;
import dev.chorus.node.command.CommandError;
import dev.chorus.node.command.CommandFlag;
import dev.chorus.node.command.CommandSpec;
import dev.chorus.node.command.meta.KeyExtraction;
import dev.chorus.node.command.meta.KeyRef;
import dev.chorus.node.config.Directives;
import dev.chorus.node.net.Client;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Client-side caching (tracking.c). Default mode remembers, per key, the clients that read it; a change of the key
 * sends them one invalidation and forgets them. BCAST mode remembers nothing per client: keys changed under a prefix
 * are collected and broadcast to the prefix's clients once per event-loop turn (Redis' beforeSleep). Invalidations go
 * out as RESP3 pushes {@code >2 invalidate [keys]}, or to a redirect client: a push if it speaks RESP3, else a
 * message on {@code __redis__:invalidate} when it is subscribed. A flush invalidates everything with a null.
 */
public final class Tracking {
    private static final byte[] CHANNEL = "__redis__:invalidate".getBytes(StandardCharsets.ISO_8859_1);

    private final Server server;
    /** Key → ids of the clients that may cache it (Redis' TrackingTable); null until tracking is first enabled. */
    private Map<String, Set<Long>> table;
    private long totalItems;
    /** Prefix → the BCAST state for it (Redis' PrefixTable), sorted like a radix tree. */
    private final TreeMap<String, Bcast> prefixTable = new TreeMap<>();
    private int trackingClients;
    /** Invalidations for the client whose command is running: sent after its reply (null: a flush). */
    private final List<byte[]> pending = new ArrayList<>();
    private Client current;
    /** Redis' server.fixed_time_expire: above 0 while a command runs (call(), or serving a blocked client). */
    private int executing;
    private int limitTimeouts;

    private static final class Bcast {
        /** Keys changed this turn → the client that changed each last (for NOLOOP). */
        TreeMap<String, Client> keys = new TreeMap<>();
        final Set<Client> clients = new LinkedHashSet<>();
    }

    Tracking(Server server) {
        this.server = server;
    }

    /** The client whose command runs now (Redis' server.current_client), or null between commands. */
    public void setCurrentClient(Client c) {
        current = c;
    }

    /** The client whose command runs now, or null. */
    public Client currentClient() {
        return current;
    }

    /** A command starts running (call()): invalidations for its own client wait until after its reply. */
    public void enterCall() {
        executing++;
    }

    public void exitCall() {
        executing--;
    }

    public int trackingClients() {
        return trackingClients;
    }

    public long totalKeys() {
        return table == null ? 0 : table.size();
    }

    public long totalItems() {
        return totalItems;
    }

    public long totalPrefixes() {
        return prefixTable.size();
    }

    // ---- CLIENT TRACKING ----

    /** CLIENT TRACKING on|off with its options, validated in Redis' order; the reply is written here. */
    public void trackingCommand(Client c, byte[][] argv) {
        long redirect = 0;
        boolean bcast = false;
        boolean optin = false;
        boolean optout = false;
        boolean noloop = false;
        List<String> prefixes = new ArrayList<>();
        for (int j = 3; j < argv.length; j++) {
            boolean moreArgs = argv.length - 1 - j > 0;
            String opt = new String(argv[j], StandardCharsets.ISO_8859_1).toLowerCase(java.util.Locale.ROOT);
            if (opt.equals("redirect") && moreArgs) {
                j++;
                if (redirect != 0) {
                    throw new CommandError("ERR A client can only redirect to a single other client");
                }
                redirect = dev.chorus.node.command.CommandContext.parseLong(argv[j],
                        "ERR value is not an integer or out of range");
                if (server.clients().get(redirect) == null) {
                    throw new CommandError("ERR The client ID you want redirect to does not exist");
                }
            } else if (opt.equals("bcast")) {
                bcast = true;
            } else if (opt.equals("optin")) {
                optin = true;
            } else if (opt.equals("optout")) {
                optout = true;
            } else if (opt.equals("noloop")) {
                noloop = true;
            } else if (opt.equals("prefix") && moreArgs) {
                j++;
                prefixes.add(new String(argv[j], StandardCharsets.ISO_8859_1));
            } else {
                throw new CommandError("ERR syntax error");
            }
        }
        String mode = new String(argv[2], StandardCharsets.ISO_8859_1).toLowerCase(java.util.Locale.ROOT);
        ClientTracking t = c.tracking();
        if (mode.equals("on")) {
            if (!bcast && !prefixes.isEmpty()) {
                throw new CommandError("ERR PREFIX option requires BCAST mode to be enabled");
            }
            if (t.on && t.bcast != bcast) {
                throw new CommandError("ERR You can't switch BCAST mode on/off before disabling tracking for this "
                        + "client, and then re-enabling it with a different mode.");
            }
            if (bcast && (optin || optout)) {
                throw new CommandError("ERR OPTIN and OPTOUT are not compatible with BCAST");
            }
            if (optin && optout) {
                throw new CommandError("ERR You can't specify both OPTIN mode and OPTOUT mode");
            }
            if ((optin && t.optout) || (optout && t.optin)) {
                throw new CommandError("ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this "
                        + "client, and then re-enabling it with a different mode.");
            }
            if (bcast && !checkPrefixCollisions(c, prefixes)) {
                return;
            }
            enable(c, redirect, bcast, optin, optout, noloop, prefixes);
        } else if (mode.equals("off")) {
            disable(c);
        } else {
            throw new CommandError("ERR syntax error");
        }
        c.writer().ok();
    }

    /**
     * tracking.c's checkPrefixCollisionsOrReply, including its quirk: an overlap among the given prefixes found for
     * any but the first one returns a non-zero index, so Redis replies with the error and then goes on (and +OK).
     */
    private boolean checkPrefixCollisions(Client c, List<String> prefixes) {
        for (int i = 0; i < prefixes.size(); i++) {
            String p = prefixes.get(i);
            for (String existing : c.tracking().prefixes) {
                if (overlap(existing, p)) {
                    c.writer().error("ERR Prefix '" + cString(p) + "' overlaps with an existing prefix '"
                            + cString(existing) + "'. Prefixes for a single client must not overlap.");
                    server.stats().error("ERR Prefix");
                    return false;
                }
            }
            for (int j = i + 1; j < prefixes.size(); j++) {
                if (overlap(p, prefixes.get(j))) {
                    c.writer().error("ERR Prefix '" + cString(p) + "' overlaps with another provided prefix '"
                            + cString(prefixes.get(j)) + "'. Prefixes for a single client must not overlap.");
                    server.stats().error("ERR Prefix");
                    return i != 0;
                }
            }
        }
        return true;
    }

    private static boolean overlap(String a, String b) {
        int n = Math.min(a.length(), b.length());
        return a.regionMatches(0, b, 0, n);
    }

    /** A C string as %s prints it: up to the first NUL. */
    private static String cString(String s) {
        int nul = s.indexOf('\0');
        String t = nul < 0 ? s : s.substring(0, nul);
        return new String(t.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
    }

    void enable(Client c, long redirect, boolean bcast, boolean optin, boolean optout, boolean noloop,
                List<String> prefixes) {
        ClientTracking t = c.tracking();
        if (!t.on) {
            trackingClients++;
        }
        t.on = true;
        t.brokenRedirect = false;
        t.bcast = false;
        t.optin = false;
        t.optout = false;
        t.noloop = false;
        t.redirect = redirect;
        if (table == null) {
            table = new HashMap<>();
        }
        if (bcast) {
            t.bcast = true;
            if (prefixes.isEmpty()) {
                enablePrefix(c, "");
            }
            for (String p : prefixes) {
                enablePrefix(c, p);
            }
        }
        t.optin = optin;
        t.optout = optout;
        t.noloop = noloop;
    }

    private void enablePrefix(Client c, String prefix) {
        Bcast bs = prefixTable.computeIfAbsent(prefix, p -> new Bcast());
        if (bs.clients.add(c)) {
            c.tracking().prefixes.add(prefix);
        }
    }

    /** CLIENT TRACKING off, and a closing connection (Redis' disableTracking). */
    public void disable(Client c) {
        ClientTracking t = c.tracking();
        if (t.bcast) {
            for (String p : t.prefixes) {
                Bcast bs = prefixTable.get(p);
                if (bs != null) {
                    bs.clients.remove(c);
                    if (bs.clients.isEmpty()) {
                        prefixTable.remove(p);
                    }
                }
            }
            t.prefixes.clear();
        }
        if (t.on) {
            trackingClients--;
            t.on = false;
            t.brokenRedirect = false;
            t.bcast = false;
            t.optin = false;
            t.optout = false;
            t.caching = false;
            t.noloop = false;
        }
    }

    void clientClosed(Client c) {
        disable(c);
        if (current == c) {
            current = null;
            pending.clear();
        }
    }

    /** CLIENT CACHING yes|no. */
    public void cachingCommand(Client c, String opt) {
        ClientTracking t = c.tracking();
        if (!t.on) {
            throw new CommandError("ERR CLIENT CACHING can be called only when the client is in tracking mode with "
                    + "OPTIN or OPTOUT mode enabled");
        }
        if (opt.equals("yes")) {
            if (!t.optin) {
                throw new CommandError("ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.");
            }
        } else if (opt.equals("no")) {
            if (!t.optout) {
                throw new CommandError("ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.");
            }
        } else {
            throw new CommandError("ERR syntax error");
        }
        t.caching = true;
        c.writer().ok();
    }

    /** CLIENT TRACKINGINFO. */
    public void trackingInfo(Client c) {
        ClientTracking t = c.tracking();
        List<String> flags = new ArrayList<>();
        flags.add(t.on ? "on" : "off");
        if (t.bcast) {
            flags.add("bcast");
        }
        if (t.optin) {
            flags.add("optin");
            if (t.caching) {
                flags.add("caching-yes");
            }
        }
        if (t.optout) {
            flags.add("optout");
            if (t.caching) {
                flags.add("caching-no");
            }
        }
        if (t.noloop) {
            flags.add("noloop");
        }
        if (t.brokenRedirect) {
            flags.add("broken_redirect");
        }
        var w = c.writer();
        w.map(3).bulk("flags").set(flags.size());
        flags.forEach(w::bulk);
        w.bulk("redirect").integer(t.on ? t.redirect : -1);
        w.bulk("prefixes").array(t.prefixes.size());
        for (String p : t.prefixes) {
            w.bulk(p.getBytes(StandardCharsets.ISO_8859_1));
        }
    }

    // ---- remembering what clients read ----

    /**
     * After a command (Redis' call()): a read-only command remembers the keys of the tracking client it ran for
     * (trackingRememberKeys). Inside a script that client is the script's caller and the keys are the ones the script
     * declared (EVAL's, FCALL's), not the ones the read command named; EVAL_RO/EVALSHA_RO/FCALL_RO themselves
     * remember nothing, only the read commands they run.
     */
    public void afterCommand(Client c, CommandSpec spec, byte[][] argv) {
        if (!spec.has(CommandFlag.READONLY) || READ_ONLY_SCRIPTS.contains(spec.name())) {
            return;
        }
        Client caller = server.scripting().callerOf(c);
        if (caller != null) {
            rememberKeys(caller, caller.context().spec(), caller.context().argv());
        } else {
            rememberKeys(c, spec, argv);
        }
    }

    private static final Set<String> READ_ONLY_SCRIPTS = Set.of("eval_ro", "evalsha_ro", "fcall_ro");

    private void rememberKeys(Client c, CommandSpec spec, byte[][] argv) {
        ClientTracking t = c.tracking();
        if (!t.on || t.bcast || spec.has(CommandFlag.PUBSUB)) {
            return;
        }
        if ((t.optin && !t.caching) || (t.optout && t.caching)) {
            return;
        }
        List<KeyRef> keys;
        try {
            keys = KeyExtraction.keys(spec.meta(), spec.keysProc(), argv);
        } catch (RuntimeException e) {
            return;
        }
        for (KeyRef k : keys) {
            if (k.pos() >= argv.length) {
                continue;
            }
            String key = new String(argv[k.pos()], StandardCharsets.ISO_8859_1);
            if (table.computeIfAbsent(key, x -> new LinkedHashSet<>()).add(c.id())) {
                totalItems++;
            }
        }
    }

    // ---- invalidation ----

    /** A key changed (trackingInvalidateKey): invalidate it for the clients that read it, and queue it for BCAST. */
    void invalidateKey(byte[] keyBytes, boolean bcast) {
        if (table == null) {
            return;
        }
        String key = new String(keyBytes, StandardCharsets.ISO_8859_1);
        if (bcast && !prefixTable.isEmpty()) {
            for (Map.Entry<String, Bcast> e : prefixTable.entrySet()) {
                if (key.startsWith(e.getKey())) {
                    e.getValue().keys.put(key, current);
                }
            }
        }
        Set<Long> ids = table.remove(key);
        if (ids == null) {
            return;
        }
        totalItems -= ids.size();
        for (long id : ids) {
            Client target = server.clients().get(id);
            if (target == null || !target.tracking().on || target.tracking().bcast) {
                continue;
            }
            if (target.tracking().noloop && target == current) {
                continue;
            }
            if (target == current && executing > 0) {
                // Its reply is being written: the invalidation follows it (before a command runs, e.g. an eviction
                // in processCommand, it goes out at once, before the reply).
                pending.add(keyBytes);
            } else {
                send(target, singleKey(keyBytes));
            }
        }
    }

    /** FLUSHALL/FLUSHDB and full syncs (trackingInvalidateKeysOnFlush): a null invalidates everything. */
    void invalidateAllOnFlush() {
        if (trackingClients > 0) {
            for (Client c : List.copyOf(server.clients().all())) {
                if (c.tracking().on) {
                    if (c == current) {
                        pending.add(null);
                    } else {
                        send(c, nullFor(c));
                    }
                }
            }
        }
        if (table != null) {
            table.clear();
            totalItems = 0;
        }
    }

    /** After a command: the invalidations for its own client go out behind its reply. */
    public void sendPendingInvalidations() {
        if (pending.isEmpty()) {
            return;
        }
        Client c = current;
        List<byte[]> keys = new ArrayList<>(pending);
        pending.clear();
        if (c == null || c.closed()) {
            return;
        }
        for (byte[] key : keys) {
            send(c, key == null ? nullFor(c) : singleKey(key));
        }
    }

    /** Keeps the table within tracking-table-max-keys by invalidating keys (trackingLimitUsedSlots). */
    public void limitUsedSlots() {
        if (table == null) {
            return;
        }
        long max = server.config().getLong(Directives.TRACKING_TABLE_MAX_KEYS);
        if (max == 0) {
            return;
        }
        if (table.size() <= max) {
            limitTimeouts = 0;
            return;
        }
        int effort = 100 * (limitTimeouts + 1);
        Client saved = current;
        current = null;
        try {
            while (effort-- > 0) {
                Iterator<String> it = table.keySet().iterator();
                if (!it.hasNext()) {
                    break;
                }
                invalidateKey(it.next().getBytes(StandardCharsets.ISO_8859_1), false);
                if (table.size() <= max) {
                    limitTimeouts = 0;
                    return;
                }
            }
        } finally {
            current = saved;
        }
        limitTimeouts++;
    }

    /** Before output is flushed (Redis' beforeSleep): each prefix's changed keys go to its BCAST clients. */
    void broadcastInvalidations() {
        if (table == null || trackingClients == 0) {
            return;
        }
        for (Bcast bs : prefixTable.values()) {
            if (!bs.keys.isEmpty()) {
                byte[] proto = keyArray(bs.keys, null);
                for (Client c : List.copyOf(bs.clients)) {
                    if (c.tracking().noloop) {
                        byte[] adhoc = keyArray(bs.keys, c);
                        if (adhoc != null) {
                            send(c, adhoc);
                        }
                    } else {
                        send(c, proto);
                    }
                }
            }
            bs.keys = new TreeMap<>();
        }
    }

    private static byte[] keyArray(TreeMap<String, Client> keys, Client exclude) {
        int count = 0;
        for (Client by : keys.values()) {
            if (exclude == null || by != exclude) {
                count++;
            }
        }
        if (exclude != null && count == 0) {
            return null;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(("*" + count + "\r\n").getBytes(StandardCharsets.US_ASCII));
        for (Map.Entry<String, Client> e : keys.entrySet()) {
            if (exclude != null && e.getValue() == exclude) {
                continue;
            }
            byte[] k = e.getKey().getBytes(StandardCharsets.ISO_8859_1);
            out.writeBytes(("$" + k.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(k);
            out.writeBytes(new byte[] {'\r', '\n'});
        }
        return out.toByteArray();
    }

    private static byte[] singleKey(byte[] key) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(key.length + 16);
        out.writeBytes(("*1\r\n$" + key.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(key);
        out.writeBytes(new byte[] {'\r', '\n'});
        return out.toByteArray();
    }

    /** The null "everything" payload in the tracking client's own protocol (shared.null[c->resp]). */
    private static byte[] nullFor(Client c) {
        return c.protocol() > 2 ? new byte[] {'_', '\r', '\n'} : new byte[] {'$', '-', '1', '\r', '\n'};
    }

    /** sendTrackingMessage: to the client, or its redirect target; RESP3 push or RESP2 pub/sub message. */
    private void send(Client c, byte[] payload) {
        Client target = c;
        boolean redirected = false;
        long redirect = c.tracking().redirect;
        if (redirect != 0) {
            Client r = server.clients().get(redirect);
            if (r == null || r.closed()) {
                c.tracking().brokenRedirect = true;
                if (c.protocol() > 2) {
                    boolean muted = c.beginPush();
                    c.writer().push(2).bulk("tracking-redir-broken").integer(redirect);
                    c.endPush(muted);
                    c.pendingWrite();
                }
                return;
            }
            target = r;
            redirected = true;
        }
        boolean muted;
        if (target.protocol() > 2) {
            muted = target.beginPush();
            target.writer().push(2).bulk("invalidate");
        } else if (redirected && target.inPubSub()) {
            muted = target.beginPush();
            target.writer().push(3).bulk("message").bulk(CHANNEL);
        } else {
            return;
        }
        target.writer().raw(payload);
        target.endPush(muted);
        target.pendingWrite();
    }
}
