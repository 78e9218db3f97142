package dev.chorus.e2e.host;

import dev.chorus.e2e.support.Shell;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Pod networking: one network namespace per pod, joined by a veth pair to a Linux bridge {@code chorus-bedN} that
 * the bed creates in the host namespace. Addresses come from the slot's private {@code 10.(240+N).0.0/16}, which
 * exists only on that bridge and inside the bed's namespaces: the bridge holds {@code .0.1}, pods get
 * {@code .1.1} upwards, ClusterIPs are {@code .128.0/24} (unroutable: there is no kube-proxy). Pods get no default
 * route, so nothing they send can leave the bridge. The test JVM reaches every pod IP through the bridge, pods reach
 * each other directly on it, and every pod may bind 0.0.0.0:6379 in its own namespace.
 */
public final class PodNetwork implements AutoCloseable {
    private final BedSlot slot;
    private final String bridge;
    private final int octet;
    private final AtomicInteger nextHost = new AtomicInteger(0);
    private final AtomicInteger nextId = new AtomicInteger(0);
    private final List<Attachment> attached = new ArrayList<>();

    /** A pod's network namespace, its host-side veth and its address. */
    public record Attachment(String netns, String hostVeth, String ip) {
        public String netnsPath() {
            return "/run/netns/" + netns;
        }
    }

    private PodNetwork(BedSlot slot) {
        this.slot = slot;
        this.bridge = slot.bridgeName();
        this.octet = slot.subnetOctet();
    }

    public static PodNetwork create(BedSlot slot) {
        PodNetwork net = new PodNetwork(slot);
        // Only the default route may cover the subnet: a more specific one means something else uses it.
        List<String> routes = Shell.check("ip", "-4", "route", "show", "to", "match", net.bridgeIp()).lines()
                .filter(l -> !l.isBlank() && !l.startsWith("default")).toList();
        if (!routes.isEmpty()) {
            throw new IllegalStateException("10." + net.octet + ".0.0/16 is already routed on this machine (" + routes
                    + "); the test bed needs it for its private pod network");
        }
        Shell.check("ip", "link", "add", net.bridge, "type", "bridge");
        Shell.check("ip", "addr", "add", net.bridgeIp() + "/16", "dev", net.bridge);
        Shell.check("ip", "link", "set", net.bridge, "up");
        return net;
    }

    public String bridge() {
        return bridge;
    }

    /** The host's address on the bridge: the node's InternalIP and the pods' hostIP. */
    public String bridgeIp() {
        return "10." + octet + ".0.1";
    }

    public String serviceCidr() {
        return "10." + octet + ".128.0/24";
    }

    public String firstServiceIp() {
        return "10." + octet + ".128.1";
    }

    /** Creates a namespace with lo and eth0 (a veth on the bridge) carrying a fresh pod IP. */
    public Attachment attach() {
        int id = nextId.getAndIncrement();
        String ns = slot.netnsPrefix() + id;
        String veth = slot.vethPrefix() + id;
        String ip = nextIp();
        Shell.check("ip", "netns", "add", ns);
        Attachment a = new Attachment(ns, veth, ip);
        synchronized (attached) {
            attached.add(a);
        }
        Shell.check("ip", "link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", ns);
        Shell.check("ip", "link", "set", veth, "master", bridge, "up");
        Shell.check("ip", "-n", ns, "addr", "add", ip + "/16", "dev", "eth0");
        Shell.check("ip", "-n", ns, "link", "set", "eth0", "up");
        Shell.check("ip", "-n", ns, "link", "set", "lo", "up");
        return a;
    }

    /** Round robin over 10.x.1.1 - 10.x.127.254, so a deleted pod's IP is not handed out again soon. */
    private String nextIp() {
        int n = nextHost.getAndIncrement() % (127 * 254);
        return "10." + octet + "." + (1 + n / 254) + "." + (1 + n % 254);
    }

    /** Kills whatever still runs in the namespace and deletes it (its veth pair goes with it). */
    public void detach(Attachment a) {
        BedSlot.killNamespace(a.netns());
        Shell.run("ip", "netns", "del", a.netns());
        Shell.run("ip", "link", "del", a.hostVeth()); // normally gone with the namespace already
        synchronized (attached) {
            attached.remove(a);
        }
    }

    /** Cuts the pod off the bridge (its processes keep running, unreachable) or reconnects it. */
    public void setConnected(Attachment a, boolean connected) {
        Shell.check("ip", "link", "set", a.hostVeth(), connected ? "up" : "down");
    }

    @Override
    public void close() {
        List<Attachment> left;
        synchronized (attached) {
            left = new ArrayList<>(attached);
        }
        left.forEach(this::detach);
        Shell.run("ip", "link", "del", bridge);
    }
}
