package dev.chorus.operator.dependent;

import dev.chorus.operator.api.ReplicaSet;

/** Names of the owned objects, derived from the ReplicaSet's name. */
public final class Names {
    private Names() {
    }

    public static String statefulSet(ReplicaSet rs) {
        return rs.getMetadata().getName();
    }

    public static String pod(ReplicaSet rs, int ordinal) {
        return statefulSet(rs) + "-" + ordinal;
    }

    /** The ordinal of a StatefulSet pod name, -1 when it is not one of this ReplicaSet's pods. */
    public static int ordinal(ReplicaSet rs, String podName) {
        String prefix = statefulSet(rs) + "-";
        if (!podName.startsWith(prefix)) {
            return -1;
        }
        try {
            return Integer.parseInt(podName.substring(prefix.length()));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    public static String configMap(ReplicaSet rs) {
        return rs.getMetadata().getName() + "-config";
    }

    public static String authSecret(ReplicaSet rs) {
        return rs.getMetadata().getName() + "-auth";
    }

    public static String headlessService(ReplicaSet rs) {
        return rs.getMetadata().getName() + "-headless";
    }

    /** The write Service carries the resource's own name: clients connect to "<name>". */
    public static String writeService(ReplicaSet rs) {
        return rs.getMetadata().getName();
    }

    public static String readService(ReplicaSet rs) {
        return rs.getMetadata().getName() + "-replicas";
    }

    public static String pdb(ReplicaSet rs) {
        return rs.getMetadata().getName();
    }
}
