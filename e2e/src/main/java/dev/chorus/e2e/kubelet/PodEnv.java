package dev.chorus.e2e.kubelet;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A container's environment as the kubelet builds it: the {@code kubernetes} Service variables, then envFrom, then env
 * in order with $(VAR) expansion.
 */
final class PodEnv {
    private PodEnv() {
    }

    static Map<String, String> build(Pod pod, Container c, ClusterView view, String podIp, String hostIp) throws ConfigError {
        String ns = pod.getMetadata().getNamespace();
        Map<String, String> env = new LinkedHashMap<>(view.apiServerEnv());
        if (c.getEnvFrom() != null) {
            for (EnvFromSource from : c.getEnvFrom()) {
                String prefix = from.getPrefix() == null ? "" : from.getPrefix();
                if (from.getConfigMapRef() != null) {
                    var ref = from.getConfigMapRef();
                    ConfigMap cm = view.configMap(ns, ref.getName());
                    if (cm == null) {
                        if (Boolean.TRUE.equals(ref.getOptional())) {
                            continue;
                        }
                        throw new ConfigError("configmap \"" + ref.getName() + "\" not found");
                    }
                    if (cm.getData() != null) {
                        cm.getData().forEach((k, v) -> env.put(prefix + k, v));
                    }
                } else if (from.getSecretRef() != null) {
                    var ref = from.getSecretRef();
                    Secret s = view.secret(ns, ref.getName());
                    if (s == null) {
                        if (Boolean.TRUE.equals(ref.getOptional())) {
                            continue;
                        }
                        throw new ConfigError("secret \"" + ref.getName() + "\" not found");
                    }
                    secretData(s).forEach((k, v) -> env.put(prefix + k, new String(v, StandardCharsets.UTF_8)));
                }
            }
        }
        if (c.getEnv() != null) {
            for (EnvVar e : c.getEnv()) {
                String value;
                if (e.getValueFrom() == null) {
                    value = Expansion.expand(e.getValue() == null ? "" : e.getValue(), env);
                } else {
                    var vf = e.getValueFrom();
                    if (vf.getFieldRef() != null) {
                        value = DownwardApi.field(pod, vf.getFieldRef(), podIp, hostIp);
                    } else if (vf.getResourceFieldRef() != null) {
                        value = DownwardApi.resource(pod, vf.getResourceFieldRef(), view.nodeAllocatable());
                    } else if (vf.getConfigMapKeyRef() != null) {
                        var ref = vf.getConfigMapKeyRef();
                        ConfigMap cm = view.configMap(ns, ref.getName());
                        boolean optional = Boolean.TRUE.equals(ref.getOptional());
                        if (cm == null) {
                            if (optional) {
                                continue;
                            }
                            throw new ConfigError("configmap \"" + ref.getName() + "\" not found");
                        }
                        value = cm.getData() == null ? null : cm.getData().get(ref.getKey());
                        if (value == null) {
                            if (optional) {
                                continue;
                            }
                            throw new ConfigError("couldn't find key " + ref.getKey() + " in ConfigMap " + ns + "/" + ref.getName());
                        }
                    } else if (vf.getSecretKeyRef() != null) {
                        var ref = vf.getSecretKeyRef();
                        Secret s = view.secret(ns, ref.getName());
                        boolean optional = Boolean.TRUE.equals(ref.getOptional());
                        if (s == null) {
                            if (optional) {
                                continue;
                            }
                            throw new ConfigError("secret \"" + ref.getName() + "\" not found");
                        }
                        byte[] v = secretData(s).get(ref.getKey());
                        if (v == null) {
                            if (optional) {
                                continue;
                            }
                            throw new ConfigError("couldn't find key " + ref.getKey() + " in Secret " + ns + "/" + ref.getName());
                        }
                        value = new String(v, StandardCharsets.UTF_8);
                    } else {
                        throw new ConfigError("unsupported valueFrom in env " + e.getName());
                    }
                }
                env.put(e.getName(), value);
            }
        }
        return env;
    }

    /** data (base64) plus stringData (which the apiserver normally folds into data already). */
    static Map<String, byte[]> secretData(Secret s) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        if (s.getData() != null) {
            s.getData().forEach((k, v) -> out.put(k, Base64.getDecoder().decode(v)));
        }
        if (s.getStringData() != null) {
            s.getStringData().forEach((k, v) -> out.put(k, v.getBytes(StandardCharsets.UTF_8)));
        }
        return out;
    }

    static Map<String, byte[]> configMapData(ConfigMap cm) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        if (cm.getData() != null) {
            cm.getData().forEach((k, v) -> out.put(k, v.getBytes(StandardCharsets.UTF_8)));
        }
        if (cm.getBinaryData() != null) {
            cm.getBinaryData().forEach((k, v) -> out.put(k, Base64.getDecoder().decode(v)));
        }
        return out;
    }
}
