package dev.chorus.node.command.shared;

import dev.chorus.node.net.Client;
import dev.chorus.node.store.GlobMatcher;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/** Channel and pattern subscriptions, and message delivery (pubsub.c). */
public final class PubSub {
    private final Map<String, Set<Client>> channels = new LinkedHashMap<>();
    private final Map<String, Set<Client>> patterns = new LinkedHashMap<>();
    private final Map<String, Set<Client>> shardChannels = new LinkedHashMap<>();

    public boolean subscribe(Client c, String channel) {
        if (!c.channels().add(channel)) {
            return false;
        }
        channels.computeIfAbsent(channel, k -> new LinkedHashSet<>()).add(c);
        return true;
    }

    public boolean unsubscribe(Client c, String channel) {
        if (!c.channels().remove(channel)) {
            return false;
        }
        removeFrom(channels, channel, c);
        return true;
    }

    public boolean psubscribe(Client c, String pattern) {
        if (!c.patterns().add(pattern)) {
            return false;
        }
        patterns.computeIfAbsent(pattern, k -> new LinkedHashSet<>()).add(c);
        return true;
    }

    public boolean punsubscribe(Client c, String pattern) {
        if (!c.patterns().remove(pattern)) {
            return false;
        }
        removeFrom(patterns, pattern, c);
        return true;
    }

    public boolean ssubscribe(Client c, String channel) {
        if (!c.shardChannels().add(channel)) {
            return false;
        }
        shardChannels.computeIfAbsent(channel, k -> new LinkedHashSet<>()).add(c);
        return true;
    }

    public boolean sunsubscribe(Client c, String channel) {
        if (!c.shardChannels().remove(channel)) {
            return false;
        }
        removeFrom(shardChannels, channel, c);
        return true;
    }

    /** Delivers a message to channel and pattern subscribers; returns how many received it. */
    public long publish(String channel, byte[] message) {
        long receivers = 0;
        byte[] channelBytes = channel.getBytes(StandardCharsets.ISO_8859_1);
        Set<Client> subs = channels.get(channel);
        if (subs != null) {
            for (Client c : subs) {
                boolean muted = c.beginPush();
                c.writer().push(3).bulk("message").bulk(channelBytes).bulk(message);
                c.endPush(muted);
                c.pendingWrite();
                receivers++;
            }
        }
        for (Map.Entry<String, Set<Client>> e : patterns.entrySet()) {
            if (GlobMatcher.matches(e.getKey().getBytes(StandardCharsets.ISO_8859_1), channelBytes)) {
                for (Client c : e.getValue()) {
                    boolean muted = c.beginPush();
                    c.writer().push(4).bulk("pmessage").bulk(e.getKey().getBytes(StandardCharsets.ISO_8859_1))
                            .bulk(channelBytes).bulk(message);
                    c.endPush(muted);
                    c.pendingWrite();
                    receivers++;
                }
            }
        }
        return receivers;
    }

    /** SPUBLISH: delivers to the shard channel's subscribers only, as "smessage". */
    public long spublish(String channel, byte[] message) {
        Set<Client> subs = shardChannels.get(channel);
        if (subs == null) {
            return 0;
        }
        byte[] channelBytes = channel.getBytes(StandardCharsets.ISO_8859_1);
        for (Client c : subs) {
            boolean muted = c.beginPush();
            c.writer().push(3).bulk("smessage").bulk(channelBytes).bulk(message);
            c.endPush(muted);
            c.pendingWrite();
        }
        return subs.size();
    }

    public Collection<String> activeShardChannels() {
        return shardChannels.keySet();
    }

    public int shardSubscriberCount(String channel) {
        Set<Client> s = shardChannels.get(channel);
        return s == null ? 0 : s.size();
    }

    public int shardChannelCount() {
        return shardChannels.size();
    }

    public Collection<String> activeChannels() {
        return channels.keySet();
    }

    public int subscriberCount(String channel) {
        Set<Client> s = channels.get(channel);
        return s == null ? 0 : s.size();
    }

    public int patternCount() {
        return patterns.size();
    }

    public int channelCount() {
        return channels.size();
    }

    private static void removeFrom(Map<String, Set<Client>> map, String name, Client c) {
        Set<Client> s = map.get(name);
        if (s != null) {
            s.remove(c);
            if (s.isEmpty()) {
                map.remove(name);
            }
        }
    }
}
