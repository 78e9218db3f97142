package dev.chorus.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** When the master is unreachable or not Ready for {@code timeoutSeconds}, promote the most advanced replica. */
public class FailoverSpec {
    @JsonPropertyDescription("Fail over automatically when the master fails.")
    @Default("true")
    private Boolean enabled = true;

    @JsonPropertyDescription("Seconds the master may be unreachable or not Ready before a failover.")
    @Default("5")
    @Min(1)
    @Max(3600)
    private Integer timeoutSeconds = 5;

    public Boolean getEnabled() {
        return enabled;
    }

    public void setEnabled(Boolean enabled) {
        this.enabled = enabled;
    }

    public Integer getTimeoutSeconds() {
        return timeoutSeconds;
    }

    public void setTimeoutSeconds(Integer timeoutSeconds) {
        this.timeoutSeconds = timeoutSeconds;
    }
}
