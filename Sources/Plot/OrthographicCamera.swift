import Foundation

/// A fixed orthographic view of 3-D points, for drawing them as a 2-D scatter plot.
///
/// The camera looks at the origin from the direction
/// w = (cos e · cos a, cos e · sin a, sin e) for azimuth a and elevation e (matplotlib's
/// `view_init(elev, azim)` convention: a = 0 looks along −x, e = 90° looks straight down the z axis).
/// A point p maps to screen coordinates (u, v) = (p · r, p · s) with the right vector
/// r = (−sin a, cos a, 0) and the up vector s = (−sin e · cos a, −sin e · sin a, cos e), and to
/// depth p · w (larger is nearer the camera). r, s and w are orthonormal, so lengths
/// perpendicular to w are kept.
public struct OrthographicCamera: Hashable, Sendable {
    /// Azimuth and elevation in degrees.
    public var azimuth: Double, elevation: Double

    public init(azimuth: Double = -60, elevation: Double = 30) {
        self.azimuth = azimuth; self.elevation = elevation
    }

    /// The right, up and towards-the-camera unit vectors (r, s, w).
    public var basis: (right: [Double], up: [Double], toward: [Double]) {
        let a = azimuth * .pi / 180, e = elevation * .pi / 180
        return ([-sin(a), cos(a), 0], [-sin(e) * cos(a), -sin(e) * sin(a), cos(e)], [cos(e) * cos(a), cos(e) * sin(a), sin(e)])
    }

    /// Screen coordinates and depth of a point.
    public func project(_ x: Double, _ y: Double, _ z: Double) -> (u: Double, v: Double, depth: Double) {
        let (r, s, w) = basis
        return (r[0] * x + r[1] * y + r[2] * z, s[0] * x + s[1] * y + s[2] * z, w[0] * x + w[1] * y + w[2] * z)
    }

    /// The painter's order of points with the given depths: farthest first (ascending depth), so
    /// nearer points are drawn over farther ones; equal depths by ascending index.
    public static func paintersOrder(_ depths: [Double]) -> [Int] {
        depths.indices.sorted { depths[$0] < depths[$1] || (depths[$0] == depths[$1] && $0 < $1) }
    }
}
