package dev.chorus.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

/** The password nodes require from clients and use towards their master (one Secret key). */
public class AuthSpec {
    @JsonPropertyDescription("Name of a Secret in the same namespace holding the password.")
    @Required
    @ValidationRule(value = "self.size() > 0", message = "spec.auth.secretName must name a Secret")
    private String secretName;

    @JsonPropertyDescription("Key of the password in the Secret.")
    @Default("password")
    private String key = "password";

    public String getSecretName() {
        return secretName;
    }

    public void setSecretName(String secretName) {
        this.secretName = secretName;
    }

    public String getKey() {
        return key;
    }

    public void setKey(String key) {
        this.key = key;
    }
}
