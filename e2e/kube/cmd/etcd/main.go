// Command etcd is the etcd server, built from go.etcd.io/etcd/server/v3/etcdmain exactly as
// go.etcd.io/etcd/v3's main.go does. The version is pinned in ../../go.mod to the etcd server
// version required by the pinned k8s.io/kubernetes release.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
