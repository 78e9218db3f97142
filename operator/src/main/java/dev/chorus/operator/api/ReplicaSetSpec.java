package dev.chorus.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import java.util.LinkedHashMap;
import java.util.Map;

/** What the user asks for. Validation lives in the CRD (OpenAPI + CEL) so kubectl rejects mistakes with a message. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ReplicaSetSpec {
    /** The node image of this release (the pom's image.node); stock `redis:7` works too. */
    public static final String DEFAULT_IMAGE = ImageNames.NODE;

    @JsonPropertyDescription("Total number of nodes, the master included.")
    @Default("3")
    @Min(1)
    @Max(32)
    private Integer replicas = 3;

    @JsonPropertyDescription("Container image: the Chorus node image, or a Redis/Valkey image (redis:7).")
    @Default(DEFAULT_IMAGE)
    private String image = DEFAULT_IMAGE;

    @JsonPropertyDescription("Port the nodes listen on.")
    @Default("6379")
    @Min(1)
    @Max(65535)
    private Integer port = 6379;

    @JsonPropertyDescription("Node directives (redis.conf names and values), e.g. maxmemory: 100mb. Directives the "
            + "operator owns (port, bind, dir, replicaof, passwords, files) are refused.")
    @ValidationRule(value = "self.all(k, !(k in ['port', 'bind', 'dir', 'dbfilename', 'replicaof', "
            + "'slaveof', 'requirepass', 'masterauth', 'masteruser', 'pidfile', 'logfile', 'daemonize', 'include', "
            + "'protected-mode', 'replica-announce-ip', 'replica-announce-port', 'slave-announce-ip', "
            + "'slave-announce-port', 'appendonly']))",
            message = "spec.config must not set port, bind, dir, dbfilename, replicaof/slaveof, requirepass, "
                    + "masterauth, masteruser, pidfile, logfile, daemonize, include, protected-mode, "
                    + "replica-announce-* or appendonly: the operator owns them (use spec.port, spec.auth and "
                    + "spec.persistence instead)")
    @ValidationRule(value = "self.all(k, k.matches('^[a-z][a-z0-9-]*$'))",
            message = "spec.config keys must be directive names in lower case, like maxmemory-policy")
    @Size(max = 64)
    private Map<String, String> config = new LinkedHashMap<>();

    @JsonPropertyDescription("Password for clients and for replication (requirepass and masterauth).")
    private AuthSpec auth;

    @JsonPropertyDescription("Keep each node's data on a PersistentVolumeClaim so restarts keep it.")
    private PersistenceSpec persistence = new PersistenceSpec();

    @JsonPropertyDescription("CPU and memory requests and limits of the node container.")
    private ResourceRequirements resources;

    @JsonPropertyDescription("Pod-level overrides: labels, annotations, scheduling.")
    private PodOverrides pod = new PodOverrides();

    @JsonPropertyDescription("Settings of the write Service (<name>) and the read Service (<name>-replicas).")
    private ServiceSpec service = new ServiceSpec();

    @JsonPropertyDescription("Automatic failover when the master fails.")
    private FailoverSpec failover = new FailoverSpec();

    @JsonPropertyDescription("Pod name of the desired master (<name>-<ordinal>): set it to a replica's name to "
            + "switch over to it with zero acknowledged-write loss. The operator also switches back to it after a "
            + "failover once it is a caught-up replica again; leave it unset to keep whichever master failover chose.")
    @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?-[0-9]+$")
    @Size(max = 253)
    private String master;

    public Integer getReplicas() {
        return replicas;
    }

    public void setReplicas(Integer replicas) {
        this.replicas = replicas;
    }

    public String getImage() {
        return image;
    }

    public void setImage(String image) {
        this.image = image;
    }

    public Integer getPort() {
        return port;
    }

    public void setPort(Integer port) {
        this.port = port;
    }

    public Map<String, String> getConfig() {
        return config;
    }

    public void setConfig(Map<String, String> config) {
        this.config = config;
    }

    public AuthSpec getAuth() {
        return auth;
    }

    public void setAuth(AuthSpec auth) {
        this.auth = auth;
    }

    public PersistenceSpec getPersistence() {
        return persistence;
    }

    public void setPersistence(PersistenceSpec persistence) {
        this.persistence = persistence;
    }

    public ResourceRequirements getResources() {
        return resources;
    }

    public void setResources(ResourceRequirements resources) {
        this.resources = resources;
    }

    public PodOverrides getPod() {
        return pod;
    }

    public void setPod(PodOverrides pod) {
        this.pod = pod;
    }

    public ServiceSpec getService() {
        return service;
    }

    public void setService(ServiceSpec service) {
        this.service = service;
    }

    public FailoverSpec getFailover() {
        return failover;
    }

    public void setFailover(FailoverSpec failover) {
        this.failover = failover;
    }

    public String getMaster() {
        return master;
    }

    public void setMaster(String master) {
        this.master = master;
    }
}
