// Command kubectl is a thin wrapper identical to k8s.io/kubernetes/cmd/kubectl/kubectl.go.
// It is built because kubectl only supports +/-1 minor version of skew against kube-apiserver,
// and a distro kubectl (e.g. v1.32) is two minors behind the pinned v1.34 control plane.
package main

import (
	"os"

	"k8s.io/component-base/cli"
	"k8s.io/component-base/logs"
	"k8s.io/kubectl/pkg/cmd"
	"k8s.io/kubectl/pkg/cmd/util"

	// Import to initialize client auth plugins.
	_ "k8s.io/client-go/plugin/pkg/client/auth"
)

func main() {
	// Parse the verbosity flag early, as upstream does, so klog works during command
	// construction (plugin handling, .kuberc parsing).
	logs.GlogSetter(cmd.GetLogVerbosity(os.Args)) // nolint:errcheck
	command := cmd.NewDefaultKubectlCommand()
	if err := cli.RunNoErrOutput(command); err != nil {
		// Pretty-print the error and exit with an error.
		util.CheckErr(err)
	}
}
