package dev.chorus.e2e.kubelet;

import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * One probe of one container (readiness, liveness or startup) with the kubelet's timing: first run after
 * initialDelaySeconds, then every periodSeconds; successThreshold/failureThreshold consecutive results flip it.
 * exec probes run inside the container's namespaces, tcpSocket and httpGet probes connect from the host to the pod
 * IP, as a kubelet does.
 */
final class ProbeRunner {
    private final Probe spec;
    private final boolean initial;
    private Instant nextAt;
    private int successes;
    private int failures;
    private boolean result;
    private String lastFailure = "";

    ProbeRunner(Probe spec, boolean initial) {
        this.spec = spec;
        this.initial = initial;
    }

    void reset(Instant containerStarted) {
        nextAt = containerStarted.plusSeconds(orDefault(spec.getInitialDelaySeconds(), 0));
        successes = 0;
        failures = 0;
        result = initial;
    }

    boolean result() {
        return result;
    }

    /** failureThreshold consecutive failures reached. */
    boolean failing() {
        return failures >= orDefault(spec.getFailureThreshold(), 3);
    }

    String lastFailure() {
        return lastFailure;
    }

    /** Runs the probe if it is due; returns true if its result flipped. */
    boolean runIfDue(Instant now, ContainerRuntime c) {
        if (nextAt == null || now.isBefore(nextAt)) {
            return false;
        }
        boolean ok = check(c);
        nextAt = Instant.now().plusSeconds(orDefault(spec.getPeriodSeconds(), 10));
        boolean before = result;
        if (ok) {
            failures = 0;
            if (++successes >= orDefault(spec.getSuccessThreshold(), 1)) {
                result = true;
            }
        } else {
            successes = 0;
            if (++failures >= orDefault(spec.getFailureThreshold(), 3)) {
                result = false;
            }
        }
        return before != result;
    }

    private boolean check(ContainerRuntime c) {
        Duration timeout = Duration.ofSeconds(Math.max(1, orDefault(spec.getTimeoutSeconds(), 1)));
        try {
            if (spec.getExec() != null) {
                ContainerRuntime.ExecResult r = c.exec(spec.getExec().getCommand(), timeout);
                lastFailure = r.exitCode() == 0 ? "" : "exec probe exited " + r.exitCode() + ": " + r.output().strip();
                return r.exitCode() == 0;
            }
            if (spec.getTcpSocket() != null) {
                String host = spec.getTcpSocket().getHost() != null ? spec.getTcpSocket().getHost() : c.podIp();
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(host, port(spec.getTcpSocket().getPort(), c)), (int) timeout.toMillis());
                }
                lastFailure = "";
                return true;
            }
            if (spec.getHttpGet() != null) {
                var h = spec.getHttpGet();
                String host = h.getHost() != null ? h.getHost() : c.podIp();
                String scheme = h.getScheme() == null ? "http" : h.getScheme().toLowerCase(java.util.Locale.ROOT);
                String path = h.getPath() == null ? "/" : h.getPath();
                HttpURLConnection conn = (HttpURLConnection) URI.create(scheme + "://" + host + ":" + port(h.getPort(), c) + path)
                        .toURL().openConnection();
                conn.setConnectTimeout((int) timeout.toMillis());
                conn.setReadTimeout((int) timeout.toMillis());
                conn.setInstanceFollowRedirects(false);
                if (h.getHttpHeaders() != null) {
                    h.getHttpHeaders().forEach(x -> conn.setRequestProperty(x.getName(), x.getValue()));
                }
                int code = conn.getResponseCode();
                conn.disconnect();
                lastFailure = code >= 200 && code < 400 ? "" : "HTTP probe failed with statuscode: " + code;
                return code >= 200 && code < 400;
            }
            lastFailure = "unsupported probe handler";
            return false;
        } catch (IOException | RuntimeException e) {
            lastFailure = e.toString();
            return false;
        }
    }

    private static int port(IntOrString port, ContainerRuntime c) throws IOException {
        if (port.getIntVal() != null) {
            return port.getIntVal();
        }
        List<ContainerPort> ports = c.spec().getPorts() == null ? List.of() : c.spec().getPorts();
        return ports.stream().filter(p -> port.getStrVal().equals(p.getName())).map(ContainerPort::getContainerPort)
                .findFirst().orElseThrow(() -> new IOException("no container port named " + port.getStrVal()));
    }

    int terminationGraceSeconds(int podDefault) {
        return spec.getTerminationGracePeriodSeconds() == null ? podDefault : spec.getTerminationGracePeriodSeconds().intValue();
    }

    private static int orDefault(Integer v, int d) {
        return v == null || v == 0 && d != 0 ? d : v;
    }
}
