"""Loads an rgflow XDMF sidecar (run.xmf, beside run.h5 and run.xmf.h5)
with ParaView's XDMF3 reader (what File → Open picks) and its legacy XDMF
reader, and checks what a user would see: every block has its point array
(the field), 2-D fields lie in the X–Y plane (one node thick in Z), no two
collections overlap, and the time steps are the flow or Langevin times of
the file (or the sample indices of an ensemble).

usage: pvpython scripts/paraview_check.py run.xmf
(Debian: apt install paraview python3-paraview)
"""
import sys

from paraview import servermanager as sm
from paraview.simple import OpenDataFile, XDMFReader, Xdmf3ReaderS, Xdmf3ReaderT
from paraview.vtk.numpy_interface import dataset_adapter as dsa


def leaves(data):
    """The leaf datasets of a composite (multiblock, multipiece) dataset."""
    if not data.IsA("vtkCompositeDataSet"):
        return [data]
    out = []
    it = data.NewIterator()
    it.InitTraversal()
    while not it.IsDoneWithTraversal():
        out.append(it.GetCurrentDataObject())
        it.GoToNextItem()
    return out


def check(reader, name, path):
    reader.UpdatePipelineInformation()
    times = list(reader.TimestepValues) if reader.TimestepValues else [0.0]
    problems = []
    for t in (times[0], times[-1]):
        reader.UpdatePipeline(t)
        data = sm.Fetch(reader)
        blocks = leaves(data)
        if not blocks:
            problems.append(f"{name}: no blocks at time {t}")
        boxes = []
        for b in blocks:
            if b.GetPointData().GetNumberOfArrays() == 0:
                problems.append(f"{name}: a block without arrays at time {t} (the XDMF3 reader's 'unrecognized array type')")
                continue
            arr = dsa.WrapDataObject(b).PointData[0]
            if arr.size != b.GetNumberOfPoints():
                problems.append(f"{name}: array of {arr.size} values on {b.GetNumberOfPoints()} points")
            x0, x1, y0, y1, z0, z1 = b.GetBounds()
            boxes.append((x0, x1, y0, y1, z0, z1))
        for i, a in enumerate(boxes):
            for c in boxes[i + 1:]:
                if a[0] <= c[1] and c[0] <= a[1] and a[2] <= c[3] and c[2] <= a[3] and a[4] <= c[5] and c[4] <= a[5]:
                    problems.append(f"{name}: two blocks overlap at time {t}: {a} and {c}")
        print(f"{name}: {len(blocks)} blocks with arrays at time {t}; bounds {boxes[:3]}…")
    print(f"{name}: {len(times)} time steps from {times[0]} to {times[-1]}")
    return problems


def main(path):
    problems = []
    for name, make in (("XDMF3 reader", lambda: Xdmf3ReaderS(FileName=[path])), ("legacy XDMF reader", lambda: XDMFReader(FileNames=[path]))):
        problems += check(make(), name, path)
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
