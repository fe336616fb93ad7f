// Filled in when FlowModel's config parser lands.
