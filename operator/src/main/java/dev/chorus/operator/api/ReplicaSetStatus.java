package dev.chorus.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/**
 * What the operator observed and decided. Conditions follow the Kubernetes convention (kstatus): `Ready`,
 * `Available`, `Progressing`, `Degraded`, each with observedGeneration, so `kubectl wait --for=condition=Ready` and
 * GitOps health checks work; `status.observedGeneration` tells whether the latest spec has been processed.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ReplicaSetStatus {
    private Long observedGeneration;
    @JsonPropertyDescription("Pending, Creating, Ready, Degraded, FailingOver, SwitchingOver or Updating.")
    private String phase;
    @JsonPropertyDescription("Pod name of the recorded master: the only node that accepts writes.")
    private String master;
    @JsonPropertyDescription("host:port of the master.")
    private String masterAddress;
    @JsonPropertyDescription("Nodes that are Ready and in their recorded role (master included).")
    private Integer readyReplicas;
    @JsonPropertyDescription("readyReplicas/replicas, for kubectl get.")
    private String ready;
    private List<NodeStatus> nodes = new ArrayList<>();
    private List<Condition> conditions = new ArrayList<>();
    @JsonPropertyDescription("When the operator first saw the master unreachable or not Ready; absent while it is "
            + "healthy. A failover starts once spec.failover.timeoutSeconds have passed.")
    private String masterFailingSince;
    @JsonPropertyDescription("Pod a switchover (spec.master or a rolling update) is moving the master to; absent "
            + "when none is in progress.")
    private String targetMaster;
    @JsonPropertyDescription("UID of the pod a rolling update last restarted; the next restart waits until that pod "
            + "is gone. Absent when no rolling update is in progress.")
    private String updateRestartedPodUid;
    @JsonPropertyDescription("A failover's settle or a switchover's catch-up in progress; absent when none is.")
    private StepAttempt stepAttempt;
    @JsonPropertyDescription("The password the nodes use (its fingerprint) and a rotation in progress; absent without "
            + "spec.auth.")
    private AuthStatus auth;
    @JsonPropertyDescription("spec.config values a running node refused at CONFIG SET: while spec.config asks for "
            + "them they go to no further node and into no rendered file (both keep the value the node kept).")
    private List<ConfigRefusal> configRefused;
    @JsonPropertyDescription("Service that routes to the master.")
    private String writeService;
    @JsonPropertyDescription("Service that routes to the replicas.")
    private String readService;

    public Long getObservedGeneration() {
        return observedGeneration;
    }

    public void setObservedGeneration(Long observedGeneration) {
        this.observedGeneration = observedGeneration;
    }

    public String getPhase() {
        return phase;
    }

    public void setPhase(String phase) {
        this.phase = phase;
    }

    public String getMaster() {
        return master;
    }

    public void setMaster(String master) {
        this.master = master;
    }

    public String getMasterAddress() {
        return masterAddress;
    }

    public void setMasterAddress(String masterAddress) {
        this.masterAddress = masterAddress;
    }

    public Integer getReadyReplicas() {
        return readyReplicas;
    }

    public void setReadyReplicas(Integer readyReplicas) {
        this.readyReplicas = readyReplicas;
    }

    public String getReady() {
        return ready;
    }

    public void setReady(String ready) {
        this.ready = ready;
    }

    public List<NodeStatus> getNodes() {
        return nodes;
    }

    public void setNodes(List<NodeStatus> nodes) {
        this.nodes = nodes;
    }

    public List<Condition> getConditions() {
        return conditions;
    }

    public void setConditions(List<Condition> conditions) {
        this.conditions = conditions;
    }

    public String getWriteService() {
        return writeService;
    }

    public void setWriteService(String writeService) {
        this.writeService = writeService;
    }

    public String getReadService() {
        return readService;
    }

    public void setReadService(String readService) {
        this.readService = readService;
    }

    public String getMasterFailingSince() {
        return masterFailingSince;
    }

    public void setMasterFailingSince(String masterFailingSince) {
        this.masterFailingSince = masterFailingSince;
    }

    public String getTargetMaster() {
        return targetMaster;
    }

    public void setTargetMaster(String targetMaster) {
        this.targetMaster = targetMaster;
    }

    public String getUpdateRestartedPodUid() {
        return updateRestartedPodUid;
    }

    public void setUpdateRestartedPodUid(String updateRestartedPodUid) {
        this.updateRestartedPodUid = updateRestartedPodUid;
    }

    public List<ConfigRefusal> getConfigRefused() {
        return configRefused;
    }

    public void setConfigRefused(List<ConfigRefusal> configRefused) {
        this.configRefused = configRefused;
    }

    public AuthStatus getAuth() {
        return auth;
    }

    public void setAuth(AuthStatus auth) {
        this.auth = auth;
    }

    public StepAttempt getStepAttempt() {
        return stepAttempt;
    }

    public void setStepAttempt(StepAttempt stepAttempt) {
        this.stepAttempt = stepAttempt;
    }
}
