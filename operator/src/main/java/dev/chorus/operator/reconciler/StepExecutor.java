package dev.chorus.operator.reconciler;

import dev.chorus.operator.api.StepAttempt;
import dev.chorus.operator.reconciler.StepTransition.Abandon;
import dev.chorus.operator.reconciler.StepTransition.Elect;
import dev.chorus.operator.reconciler.StepTransition.Event;
import dev.chorus.operator.reconciler.StepTransition.FailingSince;
import dev.chorus.operator.reconciler.StepTransition.Phase;
import dev.chorus.operator.reconciler.StepTransition.StartAttempt;
import dev.chorus.operator.reconciler.StepTransition.Target;
import dev.chorus.operator.topology.NodeState;
import dev.chorus.operator.topology.Switchover;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Applies the transitions the steps' {@code decide} return: status first (recorded at once where the transition
 * starts or ends something), then the node command. Nothing here waits: an attempt is started and left to later
 * reconciles.
 */
final class StepExecutor {
    private static final Logger LOG = Logger.getLogger(StepExecutor.class);
    private final Clock clock;

    StepExecutor(Clock clock) {
        this.clock = clock;
    }

    Instant now() {
        return clock.instant();
    }

    void apply(Round r, List<StepTransition> transitions) {
        Progress p = r.progress;
        for (StepTransition t : transitions) {
            if (t instanceof FailingSince f) {
                p.masterFailingSince = f.since();
            } else if (t instanceof Phase ph) {
                p.phase = ph.phase();
            } else if (t instanceof StepTransition.Look) {
                r.nodesPoll.run();
            } else if (t instanceof Event e) {
                r.event(e.type(), e.reason(), e.message());
            } else if (t instanceof Target target) {
                p.targetMaster = target.pod();
                if (target.pod() != null) {
                    r.record();
                }
                r.event(target.eventType(), target.eventReason(), target.message());
            } else if (t instanceof StartAttempt s) {
                start(r, s);
            } else if (t instanceof Elect e) {
                if (e.failover() && p.attempt != null && p.attempt.getPausedPod() != null) {
                    r.fenced = r.node(p.attempt.getPausedPod());
                }
                p.master = e.pod();
                p.attempt = null;
                if (e.failover()) {
                    p.masterFailingSince = null;
                    p.targetMaster = null;
                }
                r.record();
                LOG.infof("%s: %s", r.name(), e.message());
                r.event(e.eventType(), e.eventReason(), e.message());
            } else if (t instanceof Abandon a) {
                p.attempt = null;
                if (a.unpausePod() != null) {
                    NodeState n = r.node(a.unpausePod());
                    if (n != null && n.ip() != null) {
                        unpauseQuietly(r, n);
                    }
                }
                if (a.message() != null) {
                    LOG.infof("%s: %s", r.name(), a.message());
                    r.event(a.eventType(), a.eventReason(), a.message());
                }
            }
        }
    }

    /** Pauses (when there is a pod to pause and it answers), then records the attempt with the paused offset. */
    private void start(Round r, StartAttempt s) {
        String pausedPod = null;
        Long offset = null;
        NodeState n = s.pausePod() == null ? null : r.node(s.pausePod());
        if (n != null && n.ip() != null) {
            try {
                offset = r.nodes.pauseWrites(n.ip(), r.port, Switchover.PAUSE_MILLIS);
                pausedPod = n.pod();
            } catch (RuntimeException e) {
                LOG.warnf("%s: could not pause %s: %s", r.name(), n.pod(), e.getMessage());
            }
        }
        // The start is taken after the pause (rounded up to the millisecond): looks that began after it see everything
        // the paused node will send.
        r.progress.attempt = new StepAttempt(s.step(), now().truncatedTo(ChronoUnit.MILLIS).plusMillis(1).toString(), pausedPod,
                offset);
        r.record();
        LOG.infof("%s: %s started at %s (%s)", r.name(), s.step(), r.progress.attempt.getStartedAt(),
                pausedPod == null ? "nothing paused" : pausedPod + " paused at offset " + offset);
        r.nodesPoll.run();
    }

    static void unpauseQuietly(Round r, NodeState n) {
        try {
            r.nodes.unpause(n.ip(), r.port);
        } catch (RuntimeException e) {
            LOG.warnf("%s: could not unpause %s: %s", r.name(), n.pod(), e.getMessage());
        }
    }
}
