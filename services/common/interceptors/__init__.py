"""The concerns of the platform interceptor, one module each; `services.common.interceptor`
composes them in order. A new concern (metrics, say) is a module here plus one line in
`services.common.interceptor.server_interceptors`."""
