import Foundation
import GlibcCompat
import Testing

@Suite("glibc compatibility shim")
struct GlibcCompatTests {
    @Test("the hypot wrappers compute through the older glibc versions", arguments: [
        (3.0, 4.0, 5.0), (5.0, 12.0, 13.0), (0.0, 0.0, 0.0), (-8.0, 15.0, 17.0), (1e300, 1e300, hypot(1e300, 1e300)),
    ])
    func hypotenuse(x: Double, y: Double, expected: Double) {
        #expect(__wrap_hypot(x, y) == expected)
        #expect(__wrap_hypotf(Float(x), Float(y)) == hypotf(Float(x), Float(y)))
    }
}
