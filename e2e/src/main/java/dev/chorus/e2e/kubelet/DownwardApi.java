package dev.chorus.e2e.kubelet;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ObjectFieldSelector;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceFieldSelector;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** Values of downward-API fieldRefs and resourceFieldRefs, as the kubelet computes them. */
final class DownwardApi {
    private DownwardApi() {
    }

    static String field(Pod pod, ObjectFieldSelector ref, String podIp, String hostIp) throws ConfigError {
        String path = ref.getFieldPath();
        var md = pod.getMetadata();
        switch (path) {
            case "metadata.name":
                return md.getName();
            case "metadata.namespace":
                return md.getNamespace();
            case "metadata.uid":
                return md.getUid();
            case "metadata.labels":
                return formatMap(md.getLabels());
            case "metadata.annotations":
                return formatMap(md.getAnnotations());
            case "spec.nodeName":
                return pod.getSpec().getNodeName();
            case "spec.serviceAccountName":
                return pod.getSpec().getServiceAccountName();
            case "status.podIP":
            case "status.podIPs":
                return podIp;
            case "status.hostIP":
            case "status.hostIPs":
                return hostIp;
            default:
                break;
        }
        var m = java.util.regex.Pattern.compile("metadata\\.(labels|annotations)\\['(.*)'\\]").matcher(path);
        if (m.matches()) {
            Map<String, String> map = m.group(1).equals("labels") ? md.getLabels() : md.getAnnotations();
            return map == null ? "" : map.getOrDefault(m.group(2), "");
        }
        throw new ConfigError("unsupported fieldPath: " + path);
    }

    private static String formatMap(Map<String, String> map) {
        if (map == null) {
            return "";
        }
        return new TreeMap<>(map).entrySet().stream()
                .map(e -> e.getKey() + "=\"" + e.getValue().replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"")
                .collect(Collectors.joining("\n"));
    }

    /** limits.* default to the node's allocatable when unset, as the kubelet does. */
    static String resource(Pod pod, ResourceFieldSelector ref, Map<String, Quantity> nodeAllocatable) throws ConfigError {
        Container c = pod.getSpec().getContainers().stream()
                .filter(x -> ref.getContainerName() == null || ref.getContainerName().equals(x.getName()))
                .findFirst().orElseThrow(() -> new ConfigError("no container " + ref.getContainerName()));
        String res = ref.getResource();
        String[] kv = res.split("\\.", 2);
        if (kv.length != 2) {
            throw new ConfigError("unsupported resource: " + res);
        }
        Map<String, Quantity> set = c.getResources() == null ? null
                : kv[0].equals("limits") ? c.getResources().getLimits() : c.getResources().getRequests();
        Quantity q = set == null ? null : set.get(kv[1]);
        if (q == null && kv[0].equals("limits")) {
            q = nodeAllocatable.get(kv[1]);
        }
        if (q == null) {
            q = new Quantity("0");
        }
        BigDecimal amount = q.getNumericalAmount();
        BigDecimal divisor = ref.getDivisor() == null ? BigDecimal.ONE : ref.getDivisor().getNumericalAmount();
        if (divisor.signum() == 0) {
            divisor = BigDecimal.ONE;
        }
        return amount.divide(divisor, 0, RoundingMode.CEILING).toPlainString();
    }
}
