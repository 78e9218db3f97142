package dev.chorus.operator.dependent;

import dev.chorus.operator.api.ReplicaSet;
import java.util.LinkedHashMap;
import java.util.Map;

/** The labels every owned object carries, and the role label the write/read Services select on. */
public final class Labels {
    public static final String NAME = "app.kubernetes.io/name";
    public static final String INSTANCE = "app.kubernetes.io/instance";
    public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    public static final String COMPONENT = "app.kubernetes.io/component";
    public static final String ROLE = "chorus.dev/role";
    public static final String OPERATOR = "chorus-operator";
    public static final String MASTER = "master";
    public static final String REPLICA = "replica";
    /**
     * The label selector of every informer of owned objects: the operator watches what it manages, not every object
     * of a type in the watched namespaces.
     */
    public static final String MANAGED_BY_SELECTOR = MANAGED_BY + "=" + OPERATOR;

    private Labels() {
    }

    /** Selects the pods of one ReplicaSet. */
    public static Map<String, String> selector(ReplicaSet rs) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(NAME, "chorus-node");
        m.put(INSTANCE, rs.getMetadata().getName());
        return m;
    }

    /** Labels of owned objects: the selector labels plus who manages them. */
    public static Map<String, String> common(ReplicaSet rs) {
        Map<String, String> m = selector(rs);
        m.put(MANAGED_BY, OPERATOR);
        m.put(COMPONENT, "node");
        return m;
    }
}
