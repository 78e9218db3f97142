package dev.chorus.operator.reconciler;

import dev.chorus.operator.api.ConfigRefusal;
import dev.chorus.operator.api.ReplicaSet;
import dev.chorus.operator.api.ReplicaSetStatus;
import dev.chorus.operator.dependent.AuthConfigured;
import dev.chorus.operator.dependent.AuthSecretDependent;
import dev.chorus.operator.dependent.ConfigMapDependent;
import dev.chorus.operator.dependent.HeadlessServiceDependent;
import dev.chorus.operator.dependent.Labels;
import dev.chorus.operator.dependent.Names;
import dev.chorus.operator.dependent.NodeConfig;
import dev.chorus.operator.dependent.Passwords;
import dev.chorus.operator.dependent.PlanContext;
import dev.chorus.operator.dependent.PodDisruptionBudgetDependent;
import dev.chorus.operator.dependent.ReadServiceDependent;
import dev.chorus.operator.dependent.StatefulSetDependent;
import dev.chorus.operator.dependent.WriteServiceDependent;
import dev.chorus.operator.nodeclient.Credentials;
import dev.chorus.operator.nodeclient.NodeClient;
import dev.chorus.operator.nodeclient.NodePollingSource;
import dev.chorus.operator.nodeclient.NodeTarget;
import dev.chorus.operator.nodeclient.Observation;
import dev.chorus.operator.status.Conditions;
import dev.chorus.operator.topology.NodeAction;
import dev.chorus.operator.topology.NodeState;
import dev.chorus.operator.topology.ReplicationPlan;
import dev.chorus.operator.topology.Role;
import dev.chorus.operator.topology.TopologyPlanner;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Reconciles a ReplicaSet in four steps: observe (pods from the informer, each node's role and offset from the
 * {@link NodePollingSource}, which polls the nodes over long-lived connections and triggers a reconcile on change),
 * decide ({@link TopologyPlanner}: pure), act (owned objects through the dependents, then REPLICAOF and role labels),
 * and report (status and conditions; written only when they changed, so an unchanged resource causes no writes).
 */
@ControllerConfiguration(name = "replicaset")
@Workflow(explicitInvocation = true, dependents = {
    @Dependent(name = "auth", type = AuthSecretDependent.class, reconcilePrecondition = AuthConfigured.class),
    @Dependent(name = "config", type = ConfigMapDependent.class),
    @Dependent(name = "statefulset", type = StatefulSetDependent.class, dependsOn = "config"),
    @Dependent(name = "headless", type = HeadlessServiceDependent.class),
    @Dependent(name = "write", type = WriteServiceDependent.class),
    @Dependent(name = "read", type = ReadServiceDependent.class),
    @Dependent(name = "pdb", type = PodDisruptionBudgetDependent.class)
})
public class ReplicaSetReconciler implements Reconciler<ReplicaSet> {
    private static final Logger LOG = Logger.getLogger(ReplicaSetReconciler.class);
    /**
     * Re-check nodes this often even without events: a node can change role, or become unreachable, without
     * Kubernetes noticing (a partitioned node keeps its Ready condition).
     */
    static final Duration RESYNC = Duration.ofSeconds(2);
    /** While a failover, switchover or update is in flight. */
    static final Duration SOON = Duration.ofMillis(500);

    /** The one source of node observations (per reconciler instance, so per operator). */
    private NodePollingSource nodeSource;
    private final StepExecutor executor = new StepExecutor(Clock.systemUTC());

    @Override
    public List<EventSource<?, ReplicaSet>> prepareEventSources(EventSourceContext<ReplicaSet> context) {
        var pods = new InformerEventSource<>(InformerEventSourceConfiguration.from(Pod.class, ReplicaSet.class)
                .withLabelSelector(Labels.MANAGED_BY_SELECTOR)
                .withSecondaryToPrimaryMapper(pod -> {
                    String instance = pod.getMetadata().getLabels().get(Labels.INSTANCE);
                    return instance == null ? Set.of()
                            : Set.of(new ResourceID(instance, pod.getMetadata().getNamespace()));
                })
                .build(), context);
        nodeSource = new NodePollingSource();
        return List.of(pods, new UserSecretSource(context), nodeSource);
    }

    @Override
    public UpdateControl<ReplicaSet> reconcile(ReplicaSet rs, Context<ReplicaSet> context) {
        String password = Passwords.read(rs, ((UserSecretSource) context.eventSourceRetriever()
                .getEventSourceFor(Secret.class, UserSecretSource.NAME)).secretOf(rs));
        // The nodes' password is the one in our rendered auth file until a rotation to the Secret's has completed; the
        // passwords rotations head to are kept beside it until then (a node may have any of them)
        java.util.Optional<Secret> ours = password == null ? java.util.Optional.empty() : renderedAuth(rs, context);
        String applied = Passwords.applied(ours);
        List<String> inFlight = Passwords.inFlight(ours);
        List<String> previous = new ArrayList<>(inFlight);
        java.util.Collections.reverse(previous); // the latest first
        previous.add(applied);
        Credentials credentials = new Credentials(password, previous);
        List<String> heading = new ArrayList<>(inFlight);
        heading.remove(password);
        heading.add(password);
        heading.remove(applied);
        boolean targetRecorded = password == null || Objects.equals(password, applied)
                || new ArrayList<>(inFlight).contains(password); // List.of's contains(null) throws
        if (credentials.rotating()) {
            Passwords.put(context, applied, heading);
        } else {
            Passwords.put(context, password);
        }
        Progress progress = Progress.of(rs.getStatus());
        ResourceID id = ResourceID.fromResource(rs);

        // Observe: pods from the informer, nodes from the polling source (it never waits for a node)
        List<Pod> pods = new ArrayList<>(context.getSecondaryResources(Pod.class));
        Observation observation = nodeSource.watch(id, targets(rs, pods, progress.master), credentials);
        if (!observation.complete() && progress.master == null) {
            // Choosing the first master needs every node's answer: a node with a new address not looked at yet could
            // be the most advanced. Its first look triggers the next reconcile. (With a master recorded, such a node
            // counts as unreachable for now; a failover's last look waits for it, see FailoverStep.)
            return UpdateControl.<ReplicaSet>noUpdate().rescheduleAfter(SOON);
        }
        NodeClient nodes = nodeSource.commands(id);
        List<NodeState> observed = observation.nodes();
        Round round = new Round(rs, context, nodes, pods, observation, progress, () -> nodeSource.pollNow(id));
        Set<String> outdated = RollingUpdateStep.outdated(round);

        // Decide who is master: a failover first, else a switchover in flight or asked for
        String recordedBefore = progress.master;
        List<String> authFailed = observation.authFailed();
        StepTransition.Decision step;
        if (progress.master != null && authFailed.contains(progress.master)) {
            // The master answers but takes no password the operator has: it is not down, and no failover starts
            progress.masterFailingSince = null;
            step = StepTransition.Decision.idle(List.of());
        } else {
            step = FailoverStep.run(round, executor);
            if (!step.busy() && Objects.equals(recordedBefore, progress.master)) {
                step = SwitchoverStep.run(round, executor, outdated);
            }
        }
        boolean busy = step.busy();
        SecretRotationStep.Decision rotation = null;
        if (password == null) {
            progress.auth = null;
        } else if (!busy) {
            rotation = SecretRotationStep.run(round, executor, credentials.rotating(),
                    Passwords.fingerprint(rs, password), targetRecorded);
            if (rotation.applied()) {
                Passwords.put(context, password); // every node has it: restarts use it from now on
            }
        }
        ReplicationPlan plan = TopologyPlanner.plan(progress.master, observed, rs.getSpec().getPort());
        progress.master = plan.master();

        // Act: fence, spec.config to the running nodes (the files then carry only what they accepted), owned objects
        // (config files carry the master's address), then the nodes
        RoleLabels.fence(context.getClient(), pods, plan.master());
        progress.configRefused = new ArrayList<>(NodeConfig.stillAsked(rs, progress.configRefused));
        applyRuntimeConfig(round, plan.master());
        PlanContext.put(context, plan);
        PlanContext.putConfigRefused(context, progress.configRefused);
        context.managedWorkflowAndDependentResourceContext().reconcileManagedWorkflow();
        for (NodeAction action : plan.actions()) {
            apply(round, action);
        }
        SwitchoverStep.finish(round, plan.master());
        FailoverStep.finish(round);
        RoleLabels.apply(context.getClient(), pods, plan.master());
        if (recordedBefore == null && plan.master() != null) {
            round.event("Normal", "MasterElected", "Master is " + plan.master());
        }
        boolean healthy = StatusReport.healthy(rs, plan, observed, pods);
        if (!busy && plan.actions().isEmpty() && progress.targetMaster == null) {
            busy = RollingUpdateStep.run(round, outdated, healthy);
        }
        if (!plan.actions().isEmpty()) {
            nodeSource.pollNow(id); // see the nodes' new roles soon
        }

        // Report
        ReplicaSetStatus status = StatusReport.build(rs, plan, observed, pods, progress);
        ConfigErrors.report(round, status, ConfigErrors.problems(round, ConfigErrors.refusals(progress.configRefused,
                plan.master())));
        AuthFailures.report(round, status, authFailed, credentials);
        UpdateControl<ReplicaSet> control;
        if (StatusReport.same(rs.getStatus(), status)) {
            control = UpdateControl.noUpdate();
        } else {
            ReplicaSet patch = new ReplicaSet();
            patch.setMetadata(rs.getMetadata());
            patch.setStatus(status);
            control = UpdateControl.patchStatus(patch);
        }
        Duration next = step.busy() && step.recheck() != null ? step.recheck()
                : busy || !plan.actions().isEmpty() ? SOON : RESYNC;
        if (rotation != null && rotation.busy() && rotation.recheck().compareTo(next) < 0) {
            next = rotation.recheck();
        }
        return control.rescheduleAfter(next);
    }

    /** Our rendered auth Secret, from the auth dependent's informer (the user's Secret is watched apart). */
    private static java.util.Optional<Secret> renderedAuth(ReplicaSet rs, Context<ReplicaSet> context) {
        String name = Names.authSecret(rs);
        for (var source : context.eventSourceRetriever().getEventSourcesFor(Secret.class)) {
            if (source instanceof UserSecretSource) {
                continue;
            }
            for (Secret s : source.getSecondaryResources(rs)) {
                if (name.equals(s.getMetadata().getName())) {
                    return java.util.Optional.of(s);
                }
            }
        }
        return java.util.Optional.empty();
    }

    /** The nodes to observe: every pod up to the replicas asked for, and never fewer than the recorded master's. */
    private static List<NodeTarget> targets(ReplicaSet rs, List<Pod> pods, String recordedMaster) {
        int expected = Math.max(rs.getSpec().getReplicas(), masterOrdinalFloor(rs, recordedMaster));
        List<NodeTarget> targets = new ArrayList<>();
        for (int i = 0; i < expected; i++) {
            String name = Names.pod(rs, i);
            Pod pod = pods.stream().filter(p -> p.getMetadata().getName().equals(name)).findFirst().orElse(null);
            // A pod being deleted is still asked: its process may run (and take writes) for its grace period, and a
            // master on its way out must be fenced like any other. It is never Ready for the operator's purposes.
            String ip = pod == null || pod.getStatus() == null ? null : pod.getStatus().getPodIP();
            boolean ready = PodFacts.ready(pod) && pod.getMetadata().getDeletionTimestamp() == null;
            targets.add(new NodeTarget(name, i, ip, rs.getSpec().getPort(), ready));
        }
        return targets;
    }

    /**
     * spec.config reaches running nodes with CONFIG SET: a config change needs no restart and keeps the master. The
     * replicas go first and the master last, and a value a node refuses is sent to no further node: a change only
     * some nodes reject never reaches the master. The refusal is recorded in status at once (status.configRefused):
     * while spec.config asks for that value, the nodes and the rendered files keep the value the refusing node kept.
     */
    private static void applyRuntimeConfig(Round r, String master) {
        ReplicaSet rs = r.rs;
        NodeClient nodes = r.nodes;
        int port = rs.getSpec().getPort();
        Map<String, String> wanted = NodeConfig.runtimeDirectives(rs, r.progress.configRefused);
        List<NodeState> order = new ArrayList<>(r.observed);
        order.sort(java.util.Comparator.comparing(n -> n.pod().equals(master)));
        for (NodeState n : order) {
            if (!n.reachable()) {
                continue;
            }
            try {
                List<String> pending = nodes.applyConfig(n.ip(), port, wanted);
                if (!pending.isEmpty()) {
                    LOG.infof("%s: %s applies %s at its next restart (not settable at run time)", rs.getMetadata()
                            .getName(), n.pod(), pending);
                }
            } catch (NodeClient.ConfigRejected e) {
                r.progress.configRefused.add(new ConfigRefusal(e.directive, e.value, e.kept, n.pod(), e.getMessage()));
                r.record();
                return;
            } catch (RuntimeException e) {
                LOG.warnf("%s: could not apply config to %s: %s", rs.getMetadata().getName(), n.pod(), e.getMessage());
            }
        }
    }

    /** The StatefulSet never shrinks below the recorded master: the master is never removed by a scale-down. */
    private static int masterOrdinalFloor(ReplicaSet rs, String recordedMaster) {
        return recordedMaster == null ? 0 : Names.ordinal(rs, recordedMaster) + 1;
    }

    private void apply(Round r, NodeAction action) {
        NodeState node = r.node(action.pod());
        try {
            if (action instanceof NodeAction.Promote p) {
                r.nodes.promote(node.ip(), r.port);
                r.event("Normal", "Promoted", p.pod() + " promoted to master (REPLICAOF NO ONE) at offset "
                        + node.offset() + (node.held() ? ", resumed after its restart: no replica was ahead" : ""));
            } else if (action instanceof NodeAction.Follow f) {
                r.nodes.follow(node.ip(), r.port, f.host(), f.port());
                r.event("Normal", node.role() == Role.MASTER ? "Demoted" : "Repointed",
                        f.pod() + " now replicates from " + f.host() + ":" + f.port() + ": " + f.reason());
            }
        } catch (RuntimeException e) {
            LOG.warnf("%s: %s failed: %s", r.name(), action, e.getMessage());
        }
    }

    @Override
    public ErrorStatusUpdateControl<ReplicaSet> updateErrorStatus(ReplicaSet rs, Context<ReplicaSet> context,
                                                                  Exception e) {
        ReplicaSetStatus status = rs.getStatus() == null ? new ReplicaSetStatus() : rs.getStatus();
        long generation = Objects.requireNonNullElse(rs.getMetadata().getGeneration(), 0L);
        String reason = e instanceof Passwords.MissingSecretException ? "SecretNotFound" : "ReconcileFailed";
        String message = e.getMessage() != null ? e.getMessage() : e.toString(); // never a condition without a word
        Conditions.set(status.getConditions(), Conditions.READY, false, reason, message, generation);
        Conditions.set(status.getConditions(), Conditions.DEGRADED, true, reason, message, generation);
        status.setPhase("Degraded");
        ReplicaSet patch = new ReplicaSet();
        patch.setMetadata(rs.getMetadata());
        patch.setStatus(status);
        return ErrorStatusUpdateControl.patchStatus(patch);
    }

    /** Facts about pods the reconciler needs; kept apart so the status report uses the same ones. */
    static final class PodFacts {
        private PodFacts() {
        }

        static boolean ready(Pod pod) {
            return pod != null && pod.getStatus() != null && pod.getStatus().getConditions() != null
                    && pod.getStatus().getConditions().stream()
                    .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
        }

        /**
         * The node's process is not running: no pod, or a container not in state running. A pod being deleted does
         * not count until its process has ended: until then it may still take writes and send them to replicas.
         */
        static boolean processGone(Pod pod) {
            if (pod == null) {
                return true;
            }
            var statuses = pod.getStatus() == null ? null : pod.getStatus().getContainerStatuses();
            return statuses != null && !statuses.isEmpty()
                    && statuses.stream().anyMatch(c -> c.getState() == null || c.getState().getRunning() == null);
        }
    }
}
