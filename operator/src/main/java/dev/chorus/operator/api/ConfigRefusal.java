package dev.chorus.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

/**
 * A spec.config value a running node refused at CONFIG SET. While spec.config still asks for it, it goes to no node
 * and into no rendered file: both keep the value the refusing node kept.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ConfigRefusal {
    @JsonPropertyDescription("The directive.")
    private String directive;
    @JsonPropertyDescription("The value spec.config asks for, which the node refused.")
    private String value;
    @JsonPropertyDescription("The value the node kept: what the nodes and the rendered files keep instead.")
    private String keptValue;
    @JsonPropertyDescription("The pod that refused it.")
    private String pod;
    @JsonPropertyDescription("The node's error.")
    private String message;

    public ConfigRefusal() {
    }

    public ConfigRefusal(String directive, String value, String keptValue, String pod, String message) {
        this.directive = directive;
        this.value = value;
        this.keptValue = keptValue;
        this.pod = pod;
        this.message = message;
    }

    public String getDirective() {
        return directive;
    }

    public void setDirective(String directive) {
        this.directive = directive;
    }

    public String getValue() {
        return value;
    }

    public void setValue(String value) {
        this.value = value;
    }

    public String getKeptValue() {
        return keptValue;
    }

    public void setKeptValue(String keptValue) {
        this.keptValue = keptValue;
    }

    public String getPod() {
        return pod;
    }

    public void setPod(String pod) {
        this.pod = pod;
    }

    public String getMessage() {
        return message;
    }

    public void setMessage(String message) {
        this.message = message;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConfigRefusal r && Objects.equals(directive, r.directive) && Objects.equals(value, r.value)
                && Objects.equals(keptValue, r.keptValue) && Objects.equals(pod, r.pod)
                && Objects.equals(message, r.message);
    }

    @Override
    public int hashCode() {
        return Objects.hash(directive, value, keptValue, pod, message);
    }
}
