package dev.chorus.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.LinkedHashMap;
import java.util.Map;

/** The write Service (selects the master) and the read Service (selects the replicas). */
public class ServiceSpec {
    @JsonPropertyDescription("Service type of the write and read Services.")
    @Default("ClusterIP")
    @ValidationRule(value = "self in ['ClusterIP', 'NodePort', 'LoadBalancer']",
            message = "spec.service.type must be ClusterIP, NodePort or LoadBalancer")
    private String type = "ClusterIP";

    @JsonPropertyDescription("Annotations for both Services (e.g. for a cloud load balancer).")
    private Map<String, String> annotations = new LinkedHashMap<>();

    public String getType() {
        return type;
    }

    public void setType(String type) {
        this.type = type;
    }

    public Map<String, String> getAnnotations() {
        return annotations;
    }

    public void setAnnotations(Map<String, String> annotations) {
        this.annotations = annotations;
    }
}
