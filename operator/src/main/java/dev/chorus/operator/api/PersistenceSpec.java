package dev.chorus.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.ValidationRule;

/** Data on PersistentVolumeClaims (one per pod), so a restarted node comes back with its data. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "!self.enabled || !has(self.size) || isQuantity(self.size)",
        message = "spec.persistence.size must be a quantity such as 1Gi")
public class PersistenceSpec {
    @JsonPropertyDescription("Give each node a PersistentVolumeClaim for its data (RDB snapshots).")
    @Default("false")
    private Boolean enabled = false;

    @JsonPropertyDescription("Size of each claim, e.g. 1Gi.")
    @Default("1Gi")
    private String size = "1Gi";

    @JsonPropertyDescription("StorageClass of the claims; the cluster default when empty.")
    private String storageClassName;

    public Boolean getEnabled() {
        return enabled;
    }

    public void setEnabled(Boolean enabled) {
        this.enabled = enabled;
    }

    public String getSize() {
        return size;
    }

    public void setSize(String size) {
        this.size = size;
    }

    public String getStorageClassName() {
        return storageClassName;
    }

    public void setStorageClassName(String storageClassName) {
        this.storageClassName = storageClassName;
    }
}
