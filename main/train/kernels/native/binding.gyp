{
  "targets": [
    {
      "target_name": "vskd_native",
      "sources": ["addon.cc", "onednn.cc", "batchNorm.cc", "pooling.cc"],
      # -march=native: built on the machine that trains; -ffp-contract=off: BatchNorm rounds as PyTorch's kernel
      "cflags_cc": ["-O3", "-march=native", "-ffp-contract=off", "-std=c++17", "-fopenmp"],
      "cflags_cc!": ["-fno-exceptions"],
      "libraries": ["-ldnnl", "-fopenmp"],
      # never unloaded: Node closes an addon when a worker thread that loaded it ends, and OpenMP's idle
      # threads of that worker then crashed the process in code no longer mapped
      "ldflags": ["-Wl,-z,nodelete"]
    }
  ]
}
