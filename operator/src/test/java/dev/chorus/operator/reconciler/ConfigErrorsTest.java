package dev.chorus.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import org.junit.jupiter.api.Test;

class ConfigErrorsTest {
    static final String LOG = "1:C 06 Dec 2026 09:00:00.000 # oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo\n"
            + "\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\n"
            + "Reading the configuration file, at line 12\n"
            + ">>> 'tracking-table-max-keys -5'\n"
            + "argument must be between 0 and 9223372036854775807 inclusive\n";

    static Pod pod(boolean running, String lastMessage) {
        var b = new PodBuilder().withNewMetadata().withName("cache-1").endMetadata().withNewStatus()
                .addNewContainerStatus().withName("node");
        var withState = running ? b.withNewState().withNewRunning().endRunning().endState()
                : b.withNewState().withNewWaiting().withReason("CrashLoopBackOff").endWaiting().endState();
        return withState.withNewLastState().withNewTerminated().withExitCode(1).withMessage(lastMessage)
                .endTerminated().endLastState().endContainerStatus().endStatus().build();
    }

    @Test
    void theNodesFatalConfigReportIsReadFromItsTerminationMessage() {
        assertThat(ConfigErrors.fatalConfigError(pod(false, LOG))).isEqualTo(
                "*** FATAL CONFIG FILE ERROR (Redis 7.0.15) *** Reading the configuration file, at line 12 "
                        + ">>> 'tracking-table-max-keys -5' argument must be between 0 and 9223372036854775807 inclusive");
    }

    @Test
    void aRunningNodeOrAnotherFailureIsNoConfigError() {
        assertThat(ConfigErrors.fatalConfigError(pod(true, LOG))).isNull();
        assertThat(ConfigErrors.fatalConfigError(pod(false, "OutOfMemoryError"))).isNull();
        assertThat(ConfigErrors.fatalConfigError(new Pod())).isNull();
    }
}
